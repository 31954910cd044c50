import { signalGroup } from './process-group.ts';

// Every process group the harness started. When the harness exits or is interrupted, each live
// group gets SIGKILL, so no process outlives the harness (the guarantee the README makes).
// A hard kill of the harness itself (SIGKILL) cannot be caught; nothing here can cover that.
const live = new Map<number, { name: string; registeredAt: Date }>();
let installed = false;

// Synchronous, because it also runs inside process.on('exit'), where nothing async completes.
export function killAllGroups(): number {
  let signalled = 0;
  for (const pgid of live.keys()) if (signalGroup(pgid, 'SIGKILL')) signalled++;
  live.clear();
  return signalled;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: (typeof SIGNALS)[number]): void {
  killAllGroups();
  // Someone else (the CLI, Vitest) handles this signal: let them decide when to exit.
  if (process.listenerCount(signal) > 1) return;
  // Otherwise keep the default behaviour: die of the same signal, so the parent sees it.
  for (const s of SIGNALS) process.removeListener(s, handlers[s]);
  process.kill(process.pid, signal);
}

const handlers = Object.fromEntries(SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<(typeof SIGNALS)[number], () => void>;

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllGroups);
  for (const s of SIGNALS) process.on(s, handlers[s]);
}

// Record a group (its leader's pid) so the harness kills it if it exits first.
export function registerGroup(pgid: number, name: string): void {
  install();
  live.set(pgid, { name, registeredAt: new Date() });
}

// Forget a group once it is known to be gone; its id may be reused by the OS afterwards.
export function unregisterGroup(pgid: number): void {
  live.delete(pgid);
}

// Groups still registered, for tests and diagnostics.
export function listLiveGroups(): { pgid: number; name: string; registeredAt: Date }[] {
  return [...live].map(([pgid, g]) => ({ pgid, ...g }));
}
