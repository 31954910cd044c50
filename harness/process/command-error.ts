/** One shape for a command's result and its failure (execa's ExecaError, zx's ProcessOutput). */
export interface CommandOutcome {
  /** Role name, e.g. `kv-server`. */
  name: string;
  command: string[];
  /** argv shell-quoted for display. */
  commandLine: string;
  host: string;
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  startedAt: string;
  durationMs: number;
  timedOut: boolean;
  /** The harness stopped it (stop(), timeout). */
  killed: boolean;
  logPath: string;
  logTail: string;
}

export type CommandFailureReason = 'exit' | 'signal' | 'timeout' | 'not-found' | 'not-ready' | 'unexpected-exit' | 'spawn';

// What an exit code or signal usually means, for when the log says nothing.
export function explainExit(exitCode: number | null, signal: string | null): string {
  if (signal === 'SIGKILL' || exitCode === 137) return 'killed by SIGKILL (a hard kill, or the out-of-memory killer)';
  if (signal === 'SIGTERM' || exitCode === 143) return 'terminated by SIGTERM';
  if (signal === 'SIGINT' || exitCode === 130) return 'interrupted by SIGINT';
  if (signal === 'SIGSEGV' || exitCode === 139) return 'crashed with a segmentation fault';
  if (exitCode === 127) return 'command not found (exit code 127)';
  if (exitCode === 126) return 'command found but not executable (exit code 126)';
  if (signal) return `killed by ${signal}`;
  return `exit code ${exitCode}`;
}

/** A command that failed: the short cause first, then the command, then its output. */
export class CommandError extends Error {
  readonly outcome: CommandOutcome;
  readonly reason: CommandFailureReason;

  constructor(reason: CommandFailureReason, headline: string, outcome: CommandOutcome, options?: { cause?: unknown }) {
    const tail = outcome.logTail.trim();
    const output = tail ? `--- last lines of ${outcome.logPath} ---\n${tail}` : `(no output in ${outcome.logPath}; ${explainExit(outcome.exitCode, outcome.signal)})`;
    super(`${headline}: ${outcome.name}: ${outcome.commandLine}${outcome.host !== 'local' ? ` (on ${outcome.host})` : ''}\n\n${output}`, options);
    this.name = 'CommandError';
    this.reason = reason;
    this.outcome = outcome;
  }
}
