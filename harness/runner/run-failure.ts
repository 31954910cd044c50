import { CommandError } from '../process/index.ts';
import type { RunFailureInfo } from '../results/result-recorder.ts';

/** A run that did not pass: the test fails with this message; run_result.json holds the details. */
export class RunFailedError extends Error {
  constructor(
    message: string,
    readonly info: RunFailureInfo,
    readonly artifactDir: string,
  ) {
    super(message);
    this.name = 'RunFailedError';
    // The message says everything about the run; a stack would only make Vitest print a code frame of the harness.
    this.stack = `${this.name}: ${message}`;
  }
}

// Classify any error of a run into the shape run_result.json stores.
export function describeFailure(err: unknown, artifactDir: string): RunFailureInfo {
  if (err instanceof CommandError) {
    const o = err.outcome;
    return {
      message: err.message,
      kind: err.reason === 'timeout' ? 'timeout' : 'process',
      command: o.commandLine,
      log: o.logPath.startsWith(artifactDir) ? o.logPath.slice(artifactDir.length + 1) : o.logPath,
      logTail: o.logTail,
    };
  }
  if (err instanceof AggregateError) return { message: err.message, kind: 'teardown' };
  if (err instanceof Error) return { message: err.message, kind: (err as { kind?: string }).kind ?? 'internal' };
  return { message: String(err), kind: 'internal' };
}
