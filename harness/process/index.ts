export { CommandError, explainExit, type CommandOutcome, type CommandFailureReason } from './command-error.ts';
export { ManagedProcess, type ManagedProcessOptions } from './managed-process.ts';
export { readLogTail } from './log-tail.ts';
export { formatEvent, type ProcessEvent } from './process-events.ts';
export { listLiveGroups } from './process-registry.ts';
export { describeProbe, tryConnect, type ReadinessProbe } from './readiness.ts';
export { findExecutable } from './which.ts';
