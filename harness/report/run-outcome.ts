import type { RunIdentity } from '../results/task-meta.ts';
import type { RunRecord } from './run-records.ts';

/** One run as every reporter sees it, whatever produced it (Vitest, a merge of shards, a folder). */
export interface RunOutcome extends RunIdentity {
  name: string;
  runId: string | null;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  /** Failure message (first line is the headline) and the log tail when known. */
  error: { message: string; logTail: string | null } | null;
  skipReason: string | null;
  descriptor: string;
  descriptorLine: number;
  artifactDir: string | null;
  /** The run's run_result.json, when it was written. */
  record: RunRecord | null;
}

// Outcomes from artifact folders alone (merge, re-reporting).
export function outcomeFromRecord(record: RunRecord, descriptorLine = 0): RunOutcome {
  const r = record.result;
  return {
    name: r.run.name,
    suite: r.run.suite,
    workload: r.run.workload,
    mode: r.run.mode,
    variant: r.run.variant,
    params: r.run.params,
    repetition: r.run.repetition,
    runId: r.run.id,
    state: r.status === 'passed' ? 'passed' : 'failed',
    durationMs: r.duration_ms,
    error: r.error ? { message: r.error.message, logTail: r.error.log_tail ?? null } : null,
    skipReason: null,
    descriptor: r.run.descriptor,
    descriptorLine,
    artifactDir: record.dir,
    record,
  };
}
