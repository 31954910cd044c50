import { ConfigError } from '../config/config-error.ts';
import { UnsafeFileError } from '../util/safe-file.ts';
import { SessionError } from '../session/session-error.ts';

/** A wrong flag or argument; exit code 2 like a config error. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

// Print an error the way a user can act on it (never a stack trace unless HARNESS_DEBUG) and pick the exit code.
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  // Errors that carry their exit code (bad input read back from artifacts) say it themselves.
  const carried = err instanceof Error ? (err as { exitCode?: unknown }).exitCode : undefined;
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof UnsafeFileError || err instanceof SessionError || carried === 2) {
    stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: ${message}\n`);
  if (process.env.HARNESS_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return 1;
}
