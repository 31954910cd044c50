/** What kind of failure an error is (run_result.json's `error.kind`): one closed union. */
export const FAILURE_KINDS = ['config', 'process', 'timeout', 'observer', 'remote', 'invalid', 'interrupted', 'internal'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/**
 * The base of every error the harness raises (execa's model: one error shape with flags). Each class
 * sets its `name` and its `failureKind`; a run's classification and the CLI's exit code come from the
 * kind — never from a list of class names or from message text. Bad input (`config`) exits 2, the
 * rest 1.
 */
export abstract class HarnessError extends Error {
  abstract readonly failureKind: FailureKind;

  get exitCode(): 1 | 2 {
    return this.failureKind === 'config' ? 2 : 1;
  }
}
