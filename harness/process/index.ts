// Local process supervision: process groups, readiness, CommandError, pinning, quoting.
export { CommandError, describeEnd, endFailure, explainExit, unexpectedExitError, type CommandFailureReason, type CommandOutcome, type EndFailureOptions } from './command-error.ts';
export { ManagedProcess, type ManagedProcessOptions } from './managed-process.ts';
export { supervisionFromPlan, type SupervisionOptions } from './supervision.ts';
export { SupervisedProcess, withSupervisionDefaults, type ProcessPlace, type ResolvedSupervision } from './supervised-process.ts';
export { raceTimer, sleep } from './timers.ts';
export { readLogTail } from './log-tail.ts';
export { formatEvent, type ProcessEvent } from './process-events.ts';
export { groupMembers, signalGroup } from './process-group.ts';
export { killAllGroups, listLiveGroups } from './process-registry.ts';
export { describeProbe, tryConnect, tryHttp, waitForProbe, type ReadinessProbe } from './readiness.ts';
export { allowedCpus, formatCpuList, parseCpuList, PinningError, wrapWithPinning, type Pinning } from './pinning.ts';
export { quoteArg, quoteArgv, type QuoteOptions } from '../util/quote.ts';
export { findExecutable } from './which.ts';
