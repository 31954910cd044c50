import { interruptSignal } from '../process/process-registry.ts';
import type { RunFailureInfo } from '../results/result-recorder.ts';
import type { RunResult } from '../results/run-result-schema.ts';
import { describeFsError } from './write-result.ts';

// The status run_result.json records: a run that did not finish because a signal interrupted the
// suite is `interrupted` (not `failed`), and its message says so before what the run saw.
export function finalStatus(failure: unknown, describe: (f: unknown) => RunFailureInfo): { status: RunResult['status']; error: RunFailureInfo | null } {
  if (!failure) return { status: 'passed', error: null };
  const described = describe(failure);
  // A full disk shows as a bare "ENOSPC … write" with no path: say what it means and where.
  const code = (failure as NodeJS.ErrnoException).code;
  const info = code === 'ENOSPC' || code === 'EDQUOT' ? { ...described, message: `${describeFsError(failure)} while writing the run's artifacts: ${described.message}` } : described;
  const signal = interruptSignal();
  if (!signal) return { status: 'failed', error: info };
  const message = info.message.startsWith('the suite was interrupted') ? info.message : `interrupted by ${signal}: ${info.message}`;
  return { status: 'interrupted', error: { ...info, message, kind: 'interrupted' } };
}
