import { CommandError, describeEnd, type CommandOutcome } from './command-error.ts';
import type { ProcessEvent } from './process-events.ts';
import { describeProbe, foreignListenerNote, waitForProbe, type ReadinessProbe } from './readiness.ts';

/** What readiness waiting needs to know about a supervised process, local or remote. */
export interface ReadinessWatch {
  name: string;
  probe: ReadinessProbe;
  readyTimeoutMs: number;
  timeoutMs: number | undefined;
  logPath: string;
  /** Log bytes written before this start: a log-line probe reads after them. */
  logOffset: number;
  /** Settles when the process has ended, however. */
  exited: Promise<CommandOutcome>;
  pid: () => number | undefined;
  isGone: () => boolean;
  isStopping: () => boolean;
  stop: (reason: string) => Promise<CommandOutcome>;
  emit: (e: ProcessEvent) => void;
  /** A cause that explains an end better than its exit status (e.g. the SSH connection was lost). */
  explainEnd?: (o: CommandOutcome) => CommandError | undefined;
  /** The pids whose listener counts for a tcp probe (local processes); any listener when absent. */
  owners?: () => ReadonlySet<number>;
}

// Race the readiness probe against the process's end and the deadline; resolves once ready,
// rejects with a CommandError that says what was awaited (the process is stopped if still running).
export async function awaitReadiness(w: ReadinessWatch): Promise<void> {
  const began = Date.now();
  const abort = new AbortController();
  const probing = waitForProbe(w.probe, { signal: abort.signal, deadline: began + w.readyTimeoutMs, logPath: w.logPath, logOffset: w.logOffset, ...(w.owners ? { owners: w.owners } : {}) });
  const result = await Promise.race([probing.then((ok) => (ok ? ('ready' as const) : ('deadline' as const)), (err: unknown) => err), w.exited.then(() => 'exit' as const)]);
  abort.abort();
  const waiting = `waiting for ${describeProbe(w.probe)}`;
  if (result === 'ready' && !w.isGone()) {
    w.emit({ kind: 'ready', name: w.name, pid: w.pid(), time: new Date(), probe: describeProbe(w.probe), waitedMs: Date.now() - began });
    return;
  }
  if (result === 'ready' || result === 'exit') {
    const o = await w.exited;
    const explained = w.explainEnd?.(o);
    if (explained) throw explained;
    if (o.timedOut) throw new CommandError('timeout', `Command timed out after ${w.timeoutMs} ms before it was ready (${waiting})`, o);
    if (w.isStopping()) throw new CommandError('not-ready', `Process was stopped before it was ready (${waiting})`, o);
    throw new CommandError('exit', `Process exited before it was ready (${waiting}) with ${describeEnd(o)}`, o);
  }
  const o = await w.stop(result === 'deadline' ? 'readiness deadline passed' : 'readiness probe failed');
  const foreign = w.probe.kind === 'tcp' && w.owners ? foreignListenerNote(w.probe.port, w.owners()) : '';
  if (result === 'deadline') throw new CommandError('not-ready', `Process not ready after ${w.readyTimeoutMs} ms (${waiting})${foreign}`, o);
  throw new CommandError('not-ready', `Readiness probe failed (${waiting}): ${String(result)}`, o, { cause: result });
}

export interface EndFailureOptions {
  timeoutMs: number | undefined;
  /** What exit status 127 means: 'not-found' where a shell, not the harness, looked the command up. @default 'exit' */
  exit127?: 'exit' | 'not-found';
  /** Headline for an end without exit status or signal. */
  noStatus?: string;
}

// Why a finished process failed (timeout, signal, no or non-zero exit status), or null when it succeeded.
export function endFailure(o: CommandOutcome, opts: EndFailureOptions): CommandError | null {
  if (o.timedOut) return new CommandError('timeout', `Command timed out after ${opts.timeoutMs} ms`, o);
  if (o.signal && o.killed) return new CommandError('signal', `Command was stopped by the harness (${o.signal}) before it finished`, o);
  if (o.signal) return new CommandError('signal', `Command was killed by ${describeEnd(o)}`, o);
  if (o.exitCode === null) return new CommandError('unexpected-exit', opts.noStatus ?? 'Command ended without an exit status', o);
  if (o.exitCode !== 0) return new CommandError(o.exitCode === 127 ? (opts.exit127 ?? 'exit') : 'exit', `Command failed with ${describeEnd(o)}${o.killed ? ' after the harness stopped it' : ''}`, o);
  return null;
}
