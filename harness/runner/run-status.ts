import { interruptSignal } from '../process/process-registry.ts';
import type { RunError, RunResult } from '../results/run-result-schema.ts';
import { describeFsError } from './write-result.ts';

// The status run_result.json records: a run that did not finish because a signal interrupted the
// suite (or the run was stopped from outside) is `interrupted`, not `failed`, and its message says
// so before what the run saw; a full disk is named as such.
export function finalStatus(failure: unknown, classify: (f: unknown) => RunError): { status: RunResult['status']; error: RunError | null } {
  if (!failure) return { status: 'passed', error: null };
  const classified = classify(failure);
  // A full disk shows as a bare "ENOSPC … write" with no path: say what it means.
  const code = (failure as NodeJS.ErrnoException).code;
  const info = code === 'ENOSPC' || code === 'EDQUOT' ? { ...classified, message: `${describeFsError(failure)} while writing the run's artifacts: ${classified.message}` } : classified;
  const signal = interruptSignal();
  if (!signal) return { status: info.kind === 'interrupted' ? 'interrupted' : 'failed', error: info };
  const message = info.message.startsWith('the suite was interrupted') ? info.message : `interrupted by ${signal}: ${info.message}`;
  return { status: 'interrupted', error: { ...info, message, kind: 'interrupted' } };
}
