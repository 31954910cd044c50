import { signalGroup } from './process-group.ts';
import { detectCgroupSupport, RunContainment, sweepLeftovers, type ContainmentHost, type RunIdentityForLedger } from './containment.ts';
import type { CgroupPreference } from './cgroup.ts';
import { ReaperLink } from './reaper-link.ts';
import { findExecutable } from './which.ts';
import { HarnessError } from '../errors/harness-error.ts';

// The harness process's one piece of module state (see docs/reliability.md): every process group
// it started, the containment host (cgroup support, reaper) and the run that is open, and whether
// a signal interrupted the suite. When the harness exits or is interrupted, each live group gets
// SIGKILL (or its stop signal first, when a run can still record itself); a hard kill of this
// process (SIGKILL) cannot be caught: the reaper, the run's cgroup and the ledger cover that.
const live = new Map<number, { name: string; registeredAt: Date; stop?: (reason: string) => unknown }>();
let installed = false;
let host: ContainmentHost | undefined;
let active: RunContainment | undefined;
let interrupted: NodeJS.Signals | undefined;

/** Longest an interrupted run may take to stop and record itself before everything is killed. */
const INTERRUPT_BACKSTOP_MS = 20_000;

// Synchronous, because it also runs inside process.on('exit'), where nothing async completes.
export function killAllGroups(): number {
  let signalled = 0;
  for (const pgid of live.keys()) if (signalGroup(pgid, 'SIGKILL')) signalled++;
  live.clear();
  active?.cgroup?.killAll();
  return signalled;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: (typeof SIGNALS)[number]): void {
  interrupted ??= signal;
  if (active) {
    // A run is open: stop its processes the normal way, so it tears down and records itself as
    // interrupted; the backstop kills everything if that takes too long.
    for (const g of live.values()) void g.stop?.(`interrupted by ${signal}`);
    setTimeout(() => {
      killAllGroups();
      process.kill(process.pid, 'SIGKILL'); // not process.exit: Vitest replaces it while a test runs
    }, INTERRUPT_BACKSTOP_MS).unref();
    return;
  }
  killAllGroups();
  // Someone else (the CLI, Vitest) handles this signal: let them decide when to exit.
  if (process.listenerCount(signal) > 1) return;
  // Otherwise keep the default behaviour: die of the same signal, so the parent sees it.
  for (const s of SIGNALS) process.removeListener(s, handlers[s]);
  process.kill(process.pid, signal);
}

const handlers = Object.fromEntries(SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<(typeof SIGNALS)[number], () => void>;

// A forked worker (Vitest's) whose parent died: unless an interrupted run is still recording
// itself, kill everything now and die, instead of running on with nobody to report to. SIGKILL,
// because Vitest replaces process.exit while a test runs; the reaper then finds nothing left.
function checkOrphaned(parentPid: number): void {
  if (process.ppid === parentPid) return; // the parent is alive
  if (interrupted) return; // the backstop bounds the interrupted run's teardown
  killAllGroups();
  process.kill(process.pid, 'SIGKILL');
}

/** How often a forked worker checks that its parent is alive ('disconnect' does not reach a Vitest worker reliably). */
const ORPHAN_CHECK_MS = 200;

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllGroups);
  for (const s of SIGNALS) process.on(s, handlers[s]);
  const parentPid = process.ppid;
  if (process.send) setInterval(() => checkOrphaned(parentPid), ORPHAN_CHECK_MS).unref();
}

// Detected once per process, with the preference of the first caller (the session's: one per process).
function containmentHost(preference: CgroupPreference = 'auto'): ContainmentHost {
  host ??= { support: detectCgroupSupport(preference), setpriv: findExecutable('setpriv'), reaper: new ReaperLink(), warned: false };
  return host;
}

// Record a group (its leader's pid) so the harness kills it if it exits first, and the reaper if it dies.
export function registerGroup(pgid: number, name: string, stop?: (reason: string) => unknown): void {
  install();
  live.set(pgid, { name, registeredAt: new Date(), ...(stop ? { stop } : {}) });
  containmentHost().reaper.watchGroup(pgid);
}

// Forget a group once it is known to be gone; its id may be reused by the OS afterwards.
export function unregisterGroup(pgid: number): void {
  if (live.delete(pgid)) host?.reaper.watchGroup(pgid, false);
}

// Groups still registered, for tests and diagnostics.
export function listLiveGroups(): { pgid: number; name: string; registeredAt: Date }[] {
  return [...live].map(([pgid, g]) => ({ pgid, name: g.name, registeredAt: g.registeredAt }));
}

/** A run began after the suite was interrupted: it records itself as interrupted and starts nothing. */
export class SuiteInterruptedError extends HarnessError {
  readonly failureKind = 'interrupted' as const;
  override name = 'SuiteInterruptedError';
}

// Open the containment of a run (one at a time per process): every local process started until
// it closes joins it. Throws SuiteInterruptedError once a signal interrupted the suite.
export async function openRunContainment(artifactsRoot: string, run: RunIdentityForLedger, warn: (message: string) => void, preference: CgroupPreference = 'auto'): Promise<RunContainment> {
  if (interrupted) throw new SuiteInterruptedError(`the suite was interrupted (${interrupted}) before this run started`);
  install();
  if (active) throw new Error(`run containment already open for another run (token ${active.token})`);
  // What a dead harness left behind would hold this run's ports or skew its measurements.
  for (const l of await sweepLeftovers(artifactsRoot, containmentHost(preference).support)) {
    process.stderr.write(`warning: ${l.description}\n`);
    warn(`before this run: ${l.description}`);
  }
  const opened = new RunContainment(containmentHost(), artifactsRoot, run, warn);
  active = opened;
  return opened;
}

// Close the run's containment: kill what is left of it, remove its cgroup and ledger entry.
export async function closeRunContainment(c: RunContainment): Promise<void> {
  try {
    await c.close();
  } finally {
    if (active === c) active = undefined;
  }
}

/** The open run's containment, which ManagedProcess.start() joins. */
export function activeContainment(): RunContainment | undefined {
  return active;
}

/** The signal that interrupted the suite in this process, if one did. */
export function interruptSignal(): NodeJS.Signals | undefined {
  return interrupted;
}

/** Setpriv's path (null when missing) for a parent-death signal outside runs. */
export function pdeathsigTool(): string | null {
  return containmentHost().setpriv;
}

/** How this process contains runs (cgroup v2/v1 or process groups), detected once. */
export function containmentSupport(preference: CgroupPreference = 'auto'): ContainmentHost['support'] {
  return containmentHost(preference).support;
}
