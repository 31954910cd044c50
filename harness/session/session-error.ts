import { HarnessError } from '../errors/harness-error.ts';
/** Harness settings that cannot form a session (an environment variable, a corrupt handover). Exit 2. */
export class SessionError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'SessionError';
}
