import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  const policy = schedulingPolicy();
  if (policy !== SCHED_FIFO) throw new CliError(`--realtime: chrt succeeded but the scheduling policy is ${policy ?? 'unknown'}, not SCHED_FIFO (${SCHED_FIFO})`);
}

const SCHED_FIFO = 1;

// This process's scheduling policy (field 41 of /proc/<pid>/stat), or undefined off Linux.
export function schedulingPolicy(): number | undefined {
  try {
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[41 - 3]);
  } catch {
    return undefined;
  }
}
