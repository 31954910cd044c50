import { assessRun, invalidRunMessage } from '../results/assess-run.ts';
import { RecordBaselines } from '../results/baselines.ts';
import type { RunOutcome } from './run-outcome.ts';

// Runs whose overhead expectations waited for a baseline (measured by another process, shard or
// file) are judged here by the same assessRun, against the baselines among the suite's results: so
// a sharded suite merged with `harness merge` gets the verdicts one unsharded run would have.
export function judgeOutcomes(outcomes: readonly RunOutcome[]): RunOutcome[] {
  const baselines = new RecordBaselines(outcomes.flatMap((o) => (o.record ? [o.record] : [])));
  return outcomes.map((o) => {
    const r = o.record?.result;
    if (o.state !== 'passed' || !r || r.status !== 'passed' || !r.assessment || r.assessment.unchecked.length === 0) return o;
    const run = { suite: r.run.suite, workload: r.run.workload, mode: r.run.mode, variant: r.run.variant, repetition: r.run.repetition };
    const assessment = assessRun({ ...run, checks: r.assessment.checks, hasClients: r.commands.some((c) => c.role === 'client') }, r.key_metrics, baselines);
    if (assessment.problems.length === 0) return { ...o, record: { ...o.record!, result: { ...r, assessment } } };
    const message = invalidRunMessage(assessment.problems);
    const error = { message, kind: 'invalid' as const, reason: 'InvalidRunError', command: null, log: null, log_tail: null };
    return { ...o, state: 'failed', error: { message, logTail: null, kind: 'invalid' }, record: { ...o.record!, result: { ...r, status: 'failed', error, assessment } } };
  });
}
