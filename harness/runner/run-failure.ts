import { DeployError } from '../deploy/deploy-error.ts';
import { CommandError } from '../process/index.ts';
import type { RunError, RunFailureKind } from '../results/run-result-schema.ts';
import { invalidRunMessage } from '../results/assess-run.ts';

/** A run that did not pass: the test fails with this message; run_result.json holds the details. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
  constructor(
    message: string,
    readonly info: RunError,
    readonly artifactDir: string,
  ) {
    super(message);
    // The message says everything about the run; a stack would only make Vitest print a code frame of the harness.
    this.stack = `${this.name}: ${message}`;
  }
}

/** A run that finished but whose numbers are not a valid measurement, or miss the descriptor's expectations. */
export class InvalidRunError extends Error {
  override readonly name = 'InvalidRunError';
  constructor(readonly problems: string[]) {
    super(invalidRunMessage(problems));
  }
}

/** The run was stopped from outside (a signal to the harness, the test's timeout) before it ended. */
export class RunInterruptedError extends Error {
  override readonly name = 'RunInterruptedError';
}

/**
 * Every error class of the harness, by its `name` (each class sets it; test/runner/run-failure.test.ts
 * checks this list against the source). Classes that never reach a run (CLI, reporters, ingest) are
 * here too, so the switch below is exhaustive over all of them.
 */
export const HARNESS_ERROR_NAMES = [
  'AgentConfigError', 'BuildError', 'CommandError', 'CompareInputError', 'ConfigError', 'GitError', 'HostKeyError', 'IngestError',
  'InvalidRunError', 'MonitorError', 'ObserverError', 'PatchError', 'PinningError', 'RemoteConnectError', 'RemotePathError', 'RenderError',
  'RunFailedError', 'RunInterruptedError', 'RunRecordError', 'ServerExitedError', 'SettingTemplateError', 'ShellSyntaxError', 'SshConfigError',
  'StaleSuiteFileError', 'UnknownTemplateVariable', 'UnresolvedCommandError', 'UnsafePathError', 'UsageError',
  'DeployError', 'MalformedTemplate', 'PortInUseError', 'ResultWriteError', 'SuiteInterruptedError', 'UnknownIdError', 'PreviousRunError', 'PrototypeKeyError', 'SummaryInputError', 'UnsafeFileError',
  'RateSearchConfigError', 'SessionError',
] as const;
export type HarnessErrorName = (typeof HARNESS_ERROR_NAMES)[number];

const isHarnessError = (name: string): name is HarnessErrorName => (HARNESS_ERROR_NAMES as readonly string[]).includes(name);

// The failure kind of each error class; a CommandError's kind also depends on how and where it failed.
function kindOf(name: HarnessErrorName, err: Error): RunFailureKind {
  switch (name) {
    case 'CommandError':
    case 'ServerExitedError':
      return commandKind(err as CommandError);
    case 'BuildError':
    case 'PortInUseError':
      return 'process';
    case 'InvalidRunError':
      return 'invalid';
    case 'RunInterruptedError':
    case 'SuiteInterruptedError':
      return 'interrupted';
    case 'ObserverError':
    case 'MonitorError':
      return 'observer';
    case 'RemoteConnectError':
    case 'HostKeyError':
    case 'RemotePathError':
    case 'UnsafePathError':
    case 'DeployError':
      return 'remote';
    case 'AgentConfigError':
    case 'ConfigError':
    case 'GitError':
    case 'PatchError':
    case 'PinningError':
    case 'RenderError':
    case 'SettingTemplateError':
    case 'ShellSyntaxError':
    case 'SshConfigError':
    case 'StaleSuiteFileError':
    case 'UnknownTemplateVariable':
    case 'UnresolvedCommandError':
    case 'UsageError':
    case 'MalformedTemplate':
    case 'PrototypeKeyError':
    case 'PreviousRunError':
    case 'UnsafeFileError':
    case 'RateSearchConfigError':
    case 'SessionError':
      return 'config';
    case 'CompareInputError':
    case 'IngestError':
    case 'RunFailedError':
    case 'RunRecordError':
    case 'SummaryInputError':
    case 'ResultWriteError':
    case 'UnknownIdError':
      return 'internal'; // reporting and CLI errors: a run never raises them
    default:
      return assertNever(name);
  }
}

function assertNever(x: never): never {
  throw new Error(`unclassified error class ${String(x)}`);
}

// A process that could not start on a generator host (no workdir, lost ssh) is a remote failure;
// one that ran and failed is a process failure, wherever it ran.
function commandKind(err: CommandError): RunFailureKind {
  if (err.reason === 'timeout') return 'timeout';
  if (err.cause instanceof Error && err.cause.name === 'RemoteConnectError') return 'remote';
  if (err.outcome.host !== 'local' && err.reason === 'spawn') return 'remote';
  return 'process';
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
  const kind = isHarnessError(err.name) ? kindOf(err.name, err) : 'internal';
  // An observer that failed at start wraps its CommandError: the process details are the cause's.
  const cmd = err instanceof CommandError ? err : err.cause instanceof CommandError ? err.cause : undefined;
  const o = cmd?.outcome;
  return {
    message: err.message,
    kind,
    reason: isHarnessError(err.name) ? reasonOf(err) : `${err.name} (unexpected error class)`,
    command: o?.commandLine ?? null,
    log: o ? (o.logPath.startsWith(`${artifactDir}/`) ? o.logPath.slice(artifactDir.length + 1) : o.logPath) : null,
    log_tail: o ? o.logTail : null,
  };
}
