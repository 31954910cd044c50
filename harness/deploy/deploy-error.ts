import { HarnessError } from '../errors/harness-error.ts';
/** What went wrong deploying to (or checking) a generator node; a closed set, details in the message. */
export type DeployProblem =
  | 'build-failed'
  | 'no-node'
  | 'old-node'
  | 'workdir-not-writable'
  | 'workdir-foreign-owner'
  | 'disk-full'
  | 'permission-denied'
  | 'not-deployed'
  | 'stale'
  | 'remote-failed';

/** A deployment problem on one host, with the fix; a run that meets one fails as a `remote` failure. */
export class DeployError extends HarnessError {
  readonly failureKind = 'remote' as const;
  constructor(
    readonly problem: DeployProblem,
    /** `gen1 (10.211.0.2:22)`, or `local` for the build. */
    readonly host: string,
    reason: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}\n  fix: ${fix}`, options);
    this.name = 'DeployError';
  }
}
