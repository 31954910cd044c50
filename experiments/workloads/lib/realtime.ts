import { execFileSync } from 'node:child_process';
import { CliError } from './args.ts';

/**
 * Run every thread of this process SCHED_FIFO (priority 1) via chrt(1): a sleeping generator then wakes
 * on time even when every CPU is busy, so the machine's other work does not become its send lag.
 * Threads started later (the alarm thread) inherit the policy. Needs root or CAP_SYS_NICE; the kernel's
 * RT throttling (sched_rt_runtime_us) still leaves other processes 5 % of each CPU.
 */
export function enterRealtime(): void {
  try {
    execFileSync('chrt', ['--all-tasks', '--fifo', '--pid', '1', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    const why = e.stderr?.toString().trim() || e.message;
    throw new CliError(`--realtime: cannot make the generator SCHED_FIFO with chrt (needs root or CAP_SYS_NICE, and util-linux): ${why}`);
  }
}
