import { DeployError } from '../deploy/deploy-error.ts';
import { CommandError } from '../process/index.ts';
import type { RunError } from '../results/run-result-schema.ts';
import { invalidRunMessage } from '../results/assess-run.ts';
import { HarnessError, type FailureKind } from '../errors/harness-error.ts';

/** A run that did not pass: the test fails with this message; run_result.json holds the details. */
export class RunFailedError extends HarnessError {
  // The run's own failure kind (run_result.json's error.kind).
  get failureKind(): FailureKind {
    return this.info.kind;
  }

  override readonly name = 'RunFailedError';
  constructor(
    message: string,
    readonly info: RunError,
    readonly artifactDir: string,
    /** Only disturbances made it invalid (InvalidRunError.disturbed): measuring it again may give a valid run. */
    readonly disturbed = false,
  ) {
    super(message);
    // The message says everything about the run; a stack would only make Vitest print a code frame of the harness.
    this.stack = `${this.name}: ${message}`;
  }
}

/** A run that finished but whose numbers are not a valid measurement, or miss the descriptor's expectations. */
export class InvalidRunError extends HarnessError {
  readonly failureKind = 'invalid' as const;
  override readonly name = 'InvalidRunError';
  constructor(
    readonly problems: string[],
    /** Every problem is a disturbance of the measurement (assessment.disturbed), none a failure of the system. */
    readonly disturbed = false,
  ) {
    super(invalidRunMessage(problems));
  }
  // run_result.json's error.reason: "InvalidRunError: disturbed" when measuring again may help.
  get kind(): string | undefined {
    return this.disturbed ? 'disturbed' : undefined;
  }
}

/** The run was stopped from outside (a signal to the harness, the test's timeout) before it ended. */
export class RunInterruptedError extends HarnessError {
  readonly failureKind = 'interrupted' as const;
  override readonly name = 'RunInterruptedError';
}

// The detail under the kind: the class and its own sub-kind ("CommandError: exit", "HostKeyError: changed").
function reasonOf(err: Error): string {
  const own = err instanceof CommandError ? err.reason : err instanceof DeployError ? err.problem : (err as { kind?: unknown }).kind;
  return typeof own === 'string' ? `${err.name}: ${own}` : err.name;
}

// Classify any error of a run into run_result.json's `error`; a process failure keeps its command, log and tail.
export function classifyFailure(err: unknown, artifactDir: string): RunError {
  if (err instanceof AggregateError && err.errors.length > 0) {
    // Teardown failed in several steps: the first names the kind, the message lists them all.
    const first = classifyFailure(err.errors[0], artifactDir);
    return { ...first, message: err.message, reason: `teardown (${err.errors.length} errors): ${first.reason}` };
  }
  if (!(err instanceof Error)) return { message: String(err), kind: 'internal', reason: typeof err, command: null, log: null, log_tail: null };
  // The kind is the error's own (HarnessError.failureKind); anything else is a harness bug.
  const kind = err instanceof HarnessError ? err.failureKind : 'internal';
  // An observer that failed at start wraps its CommandError: the process details are the cause's.
  const cmd = err instanceof CommandError ? err : err.cause instanceof CommandError ? err.cause : undefined;
  const o = cmd?.outcome;
  return {
    message: err.message,
    kind,
    reason: err instanceof HarnessError ? reasonOf(err) : `${err.name} (unexpected error class)`,
    command: o?.commandLine ?? null,
    log: o ? (o.logPath.startsWith(`${artifactDir}/`) ? o.logPath.slice(artifactDir.length + 1) : o.logPath) : null,
    log_tail: o ? o.logTail : null,
  };
}
