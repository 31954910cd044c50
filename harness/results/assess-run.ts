import type { PlannedRun } from '../plan/run-types.ts';
import { costRatio, metricDirection } from '../stats/index.ts';
import type { Assessment } from './run-result-schema.ts';
import { unmetExpectations, validityFindings, type RunChecks } from './validity.ts';

/** A baseline run's result, as the assessor needs it. */
export interface BaselineResult {
  runId: string;
  /** Its artifact folder. */
  dir: string;
  keyMetrics: Record<string, number>;
}

/** Which repetition block a run belongs to: its baseline is the same block's `baseline` mode run. */
export interface RunBlock {
  suite: string;
  workload: string;
  mode: string;
  variant: string;
  repetition: number;
  /** The planned id of the block's baseline run, when the plan is at hand (runner, --resume). */
  baselineRunId?: string;
}

// A planned run's block; with the plan's runs at hand, the planned id of the block's baseline run.
export function blockOf(run: PlannedRun, planRuns: readonly PlannedRun[] = []): RunBlock {
  const baseline = planRuns.find((r) => r.workload === run.workload && r.mode === 'baseline' && r.variant.label === run.variant.label && r.repetition === run.repetition);
  return { suite: run.suite, workload: run.workload, mode: run.mode, variant: run.variant.label, repetition: run.repetition, ...(baseline ? { baselineRunId: baseline.id } : {}) };
}

/**
 * Where baselines come from: the artifacts folder (harness/results/baselines.ts) while a suite runs,
 * the run records when a summary or `harness merge` judges them. Never module state: Vitest runs
 * each generated file in its own process.
 */
export interface Baselines {
  find(block: RunBlock): BaselineResult | undefined;
}

/** What a finished run is judged by. */
export interface AssessedRun extends RunBlock {
  checks: RunChecks;
  /** The run had load clients (validity gates apply only then). */
  hasClients: boolean;
}

// Overhead of this run against its block's baseline, percent per key metric both have (> 0).
export function overheadAgainst(metrics: Record<string, number>, base: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [metric, b] of Object.entries(base)) {
    const m = metrics[metric];
    if (!(b > 0) || m === undefined || !(m > 0)) continue;
    out[metric] = (costRatio({ baseline: b, mode: m }, metricDirection(metric)) - 1) * 100;
  }
  return out;
}

// The one judgement of a finished run (runner, --resume, summary and merge): validity gates, then
// the descriptor's expectations, overhead_pct[.metric] against the baseline of the same block.
// Overhead expectations without a baseline are `unchecked`, never silently passed.
export function assessRun(run: AssessedRun, metrics: Record<string, number>, baselines: Baselines): Assessment {
  const baseline = run.mode === 'baseline' ? undefined : baselines.find(run);
  const overhead = baseline ? overheadAgainst(metrics, baseline.keyMetrics) : {};
  const values: Record<string, number | undefined> = { ...metrics };
  for (const [metric, pct] of Object.entries(overhead)) values[`overhead_pct.${metric}`] = pct;
  if (baseline) values.overhead_pct = overhead.throughput_rps;
  const unchecked = Object.keys(run.checks.expect).filter((k) => isOverheadKey(k) && !baseline);
  const expect = Object.fromEntries(Object.entries(run.checks.expect).filter(([k]) => !unchecked.includes(k)));
  const findings = validityFindings(metrics, run.checks.validity, run.hasClients);
  const unmet = unmetExpectations(values, expect);
  const problems = [...findings.map((f) => f.message), ...unmet];
  return {
    checks: { validity: run.checks.validity, expect: run.checks.expect, ...(run.checks.precision ? { precision: run.checks.precision } : {}) },
    baseline: baseline ? { run_id: baseline.runId, artifact_dir: baseline.dir } : null,
    overhead_pct: overhead,
    problems,
    // Only disturbances: measuring again may give a valid run. An unmet expectation never is one.
    ...(problems.length > 0 ? { disturbed: unmet.length === 0 && findings.every((f) => f.disturbance) } : {}),
    unchecked,
  };
}

// The headline of a run the assessment rejects (one line: it heads JUnit failures and summaries).
export function invalidRunMessage(problems: readonly string[]): string {
  return `Run is not a valid measurement: ${problems.join('; ')}`;
}

const isOverheadKey = (k: string): boolean => k === 'overhead_pct' || k.startsWith('overhead_pct.');

// "expectation overhead_pct… not checked" for a run whose block has no baseline (yet).
export function describeUnchecked(run: RunBlock, unchecked: readonly string[]): string[] {
  return unchecked.map((k) => `expectation ${k} not checked: no result of the baseline run of repetition ${run.repetition} (${run.workload}/baseline/${run.variant}/${run.repetition}) in this suite run yet; the summary and \`harness merge\` judge it once it is there`);
}
