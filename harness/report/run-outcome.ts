import type { RunFailureKind } from '../results/run-result-schema.ts';
import type { RunIdentity } from '../results/task-meta.ts';
import type { RunRecord } from '../results/artifact-store.ts';

/** One run as every reporter sees it, whatever produced it (Vitest, a merge of shards, a folder). */
export interface RunOutcome extends RunIdentity {
  name: string;
  runId: string | null;
  /**
   * passed; failed: the run ran and did not pass (a process, the observer, its numbers); error: it
   * could not run or finish (its file failed to load, the suite was interrupted), JUnit's <error>;
   * skipped: filtered out, or resumed from an earlier result.
   */
  state: 'passed' | 'failed' | 'error' | 'skipped';
  durationMs: number;
  /** Failure message (first line is the headline), its kind and the log tail when known. */
  error: { message: string; kind: RunFailureKind; logTail: string | null } | null;
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
    state: r.status === 'passed' ? 'passed' : r.status === 'interrupted' ? 'error' : 'failed',
    durationMs: r.duration_ms,
    error: r.error ? { message: r.error.message, kind: r.error.kind, logTail: r.error.log_tail } : r.status === 'passed' ? null : { message: `run ${r.status}`, kind: 'internal', logTail: null },
    skipReason: null,
    descriptor: r.run.descriptor,
    descriptorLine,
    artifactDir: record.dir,
    record,
  };
}
