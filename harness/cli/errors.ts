import { HarnessError } from '../errors/harness-error.ts';

/** A wrong flag or argument; exit code 2 like a config error. */
export class UsageError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'UsageError';
}

// Print an error the way a user can act on it (never a stack trace unless HARNESS_DEBUG) and pick
// the exit code from its kind: bad input (config) 2, anything else 1.
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr, debug = process.env.HARNESS_DEBUG): number {
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return err instanceof HarnessError ? err.exitCode : 1;
}
