import { execa, type ResultPromise } from 'execa';
import { groupMembers, signalGroup } from '../process/process-group.ts';
import { findExecutable } from '../process/which.ts';

/** How long an interrupted suite may take to stop and record its run before it is killed. */
export const INTERRUPT_GRACE_MS = 30_000;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How often `harness run` checks that the process that started it is still there. */
const PARENT_CHECK_MS = 250;

export interface VitestExit {
  exitCode: number | null;
  /** The signal that interrupted the suite (forwarded to Vitest), if one did. */
  interrupted: NodeJS.Signals | undefined;
}

// Run Vitest as the harness's child: in its own process group (so a signal reaches it exactly once,
// forwarded by us), with a parent-death signal (so it dies with the harness, even on SIGKILL).
// SIGINT/SIGTERM/SIGHUP are forwarded to its whole group (main process and workers); we then wait
// for every member to finish, up to the grace period, and SIGKILL what is left.
export async function runVitestChild(args: string[], opts: { cwd: string; env: Record<string, string>; graceMs?: number }): Promise<VitestExit> {
  const setpriv = findExecutable('setpriv');
  const argv = [...(setpriv ? [setpriv, '--pdeathsig', 'SIGKILL', '--'] : []), process.execPath, ...args];
  const child: ResultPromise = execa(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: 'inherit', reject: false, detached: true, cleanup: true });
  const pgid = child.pid;
  let interrupted: NodeJS.Signals | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (pgid === undefined) return;
    if (interrupted) {
      signalGroup(pgid, 'SIGKILL'); // a second signal: stop now
      return;
    }
    interrupted = signal;
    signalGroup(pgid, signal);
    killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), opts.graceMs ?? INTERRUPT_GRACE_MS);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  // A wrapper that died without passing its signal on (`npx`, `npm run`, a supervisor that signals
  // only its direct child) leaves this process re-parented: stop the suite as SIGTERM would.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid !== parent && !interrupted) {
      process.stderr.write(`harness: the process that started it (pid ${parent}) is gone: stopping the suite as on SIGTERM\n`);
      onSignal('SIGTERM');
    }
  }, PARENT_CHECK_MS);
  orphanWatch.unref();
  try {
    const result = await child;
    // Vitest's main process exits at once on a signal; its worker is still recording its run.
    const end = Date.now() + (opts.graceMs ?? INTERRUPT_GRACE_MS);
    // Polled from 5 ms up to 50 ms: after a normal end the worker is gone within milliseconds, and a
    // fixed 50 ms step made every suite wait up to that long for nothing.
    for (let step = 5; pgid !== undefined && groupMembers(pgid).length > 0 && Date.now() < end; step = Math.min(step * 2, 50)) await new Promise((r) => setTimeout(r, step));
    if (pgid !== undefined && groupMembers(pgid).length > 0) signalGroup(pgid, 'SIGKILL');
    return { exitCode: result.exitCode ?? null, interrupted };
  } finally {
    clearInterval(orphanWatch);
    clearTimeout(killTimer);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15);
}
