import { ConfigError } from '../config/config-error.ts';
import { UnsafeFileError } from '../util/safe-file.ts';
import { SessionError } from '../session/session-error.ts';

/** A wrong flag or argument; exit code 2 like a config error. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

// Print an error the way a user can act on it (never a stack trace unless HARNESS_DEBUG) and pick the exit code.
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof UnsafeFileError || err instanceof SessionError) {
    stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: ${message}\n`);
  if (process.env.HARNESS_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return 1;
}
