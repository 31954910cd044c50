/** Harness settings that cannot form a session (an environment variable, a corrupt handover). Exit 2. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
}
