import { HarnessError, type FailureKind } from '../errors/harness-error.ts';
/** One shape for a command's result and its failure (execa's ExecaError, zx's ProcessOutput). */
export interface CommandOutcome {
  /** Role name, e.g. `kv-server`. */
  name: string;
  /** argv as run. */
  command: string[];
  /** argv shell-quoted for display. */
  commandLine: string;
  /** `local` for processes on this machine. */
  host: string;
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  /** ISO time of the spawn. */
  startedAt: string;
  durationMs: number;
  timedOut: boolean;
  /** The harness stopped it (stop(), timeout, readiness deadline). */
  killed: boolean;
  logPath: string;
  /** Last ~40 lines / 4 KiB of the log. */
  logTail: string;
}

export type CommandFailureReason = 'exit' | 'signal' | 'timeout' | 'not-found' | 'not-ready' | 'unexpected-exit' | 'spawn';

// What an exit code or signal usually means, for when the log says nothing. `started`: the process
// did run, so a missing status means its end was not reported (a dropped SSH connection), not a failed spawn.
export function explainExit(exitCode: number | null, signal: string | null, started = false): string {
  if (signal === 'SIGKILL' || exitCode === 137) return 'killed by SIGKILL (out of memory, or a hard kill)';
  if (signal === 'SIGTERM' || exitCode === 143) return 'terminated by SIGTERM';
  if (signal === 'SIGINT' || exitCode === 130) return 'interrupted by SIGINT';
  if (signal === 'SIGSEGV' || exitCode === 139) return 'crashed with a segmentation fault (SIGSEGV)';
  if (signal === 'SIGABRT' || exitCode === 134) return 'aborted (SIGABRT), e.g. a failed assertion';
  if (exitCode === 127) return 'command not found (exit code 127)';
  if (exitCode === 126) return 'command found but not executable (exit code 126)';
  if (signal) return `killed by ${signal}`;
  if (exitCode === null && started) return 'no exit status: it started, but its end was never reported (for a remote command: the SSH connection was lost)';
  if (exitCode === null) return 'no exit status (the process never ran)';
  return `exit code ${exitCode}`;
}

// "exit code 137 (killed by SIGKILL …)" or "SIGTERM" — how a process ended, for headlines.
export function describeEnd(o: Pick<CommandOutcome, 'exitCode' | 'signal'> & Partial<Pick<CommandOutcome, 'startedAt'>>): string {
  if (o.signal) return o.signal;
  const meaning = explainExit(o.exitCode, null, Boolean(o.startedAt));
  if (o.exitCode === null) return meaning;
  return meaning === `exit code ${o.exitCode}` ? meaning : `exit code ${o.exitCode} (${meaning})`;
}

// The body under the headline: the log tail, or what the exit status means when the log is empty.
function renderOutput(o: CommandOutcome): string {
  const tail = o.logTail.trim();
  if (tail) return `--- last lines of ${o.logPath} ---\n${tail}`;
  return `(no output in ${o.logPath}; ${explainExit(o.exitCode, o.signal, Boolean(o.startedAt))})`;
}

/**
 * A command that failed. The message reads cause → command → output:
 * `Command timed out after 30000 ms: kv-server: node server.ts --port 6390`, a blank line, then the log tail.
 */
export class CommandError extends HarnessError {
  // `cause` (the spawn error, …) is Error's own ES2022 field, set through super(message, { cause }).
  readonly outcome: CommandOutcome;
  readonly reason: CommandFailureReason;

  constructor(reason: CommandFailureReason, headline: string, outcome: CommandOutcome, options?: { cause?: unknown }) {
    const where = outcome.host !== 'local' ? ` (on ${outcome.host})` : '';
    super(`${headline}: ${outcome.name}: ${outcome.commandLine}${where}\n\n${renderOutput(outcome)}`, options);
    this.name = 'CommandError';
    this.reason = reason;
    this.outcome = outcome;
  }

  // A timeout is a timeout; a process that could not start on a generator host (no workdir, lost
  // ssh) is a remote failure; one that ran and failed is a process failure, wherever it ran.
  get failureKind(): FailureKind {
    if (this.reason === 'timeout') return 'timeout';
    if (this.cause instanceof Error && this.cause.name === 'RemoteConnectError') return 'remote';
    if (this.outcome.host !== 'local' && this.reason === 'spawn') return 'remote';
    return 'process';
  }

  // Errors do not serialise their own fields; results files want all of them.
  toJSON(): { name: string; reason: CommandFailureReason; message: string; outcome: CommandOutcome } {
    return { name: this.name, reason: this.reason, message: this.message, outcome: this.outcome };
  }
}

// The error for a process that exited while the harness still needed it (a server mid-run).
export function unexpectedExitError(o: CommandOutcome): CommandError {
  return new CommandError('unexpected-exit', `Process exited unexpectedly with ${describeEnd(o)}`, o);
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
