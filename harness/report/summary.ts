import { bootstrapInterval, checkSample, describeSample, estimateOverhead, findOutliers, metricDirection, NON_PERFORMANCE_METRICS, OVERHEAD_METRICS, type Direction, type SampleWarning } from '../stats/index.ts';
import type { RunRecord } from '../results/artifact-store.ts';
import { SEND_LAG_TAIL_SHARE, sendLagSetTail } from '../results/key-metrics.ts';
import { unmeasurable } from '../results/latency-floor.ts';
import { LOAD_METRICS } from '../results/validity.ts';
import { computeRecovery, type RecoveryRow } from './recovery.ts';
import { computePrecisionRows, precisionArm, precisionIsPercent, precisionMetric, type PrecisionRow } from './precision-rows.ts';
import { formatNumber } from './format.ts';

export const SUMMARY_SCHEMA = 'harness.summary/v1';

export interface MetricSummary {
  direction: Direction;
  n: number;
  mean: number;
  median: number;
  stdev: number | null;
  min: number;
  max: number;
  cv: number | null;
  /** Bootstrap 95 % interval of the median (null below 2 values). */
  ci95: { low: number; high: number } | null;
  values: number[];
  /** Repetitions whose value is an outlier (MAD-based, modified z > 3.5). */
  outlier_repetitions: number[];
}

export interface GroupSummary {
  workload: string;
  mode: string;
  variant: string;
  params: Record<string, string | number | boolean>;
  runs: number;
  passed: number;
  failed: number;
  repetitions: number[];
  artifact_dirs: string[];
  metrics: Record<string, MetricSummary>;
  /** Latency percentiles some passed run could not measure (its generator's floor is near the value): docs/measurement-floor.md. */
  not_measurable?: Record<string, { runs: number; of: number; reason: string }>;
  warnings: string[];
  /** Load metrics (throughput_rps, p50_us, p99_us) no passed run of a group with clients reported; absent when none is missing. */
  absent_metrics?: string[];
  /** CPU figures of the group's failed runs, kept but left out of the statistics; absent when no failed run measured CPU. */
  failed_runs_cpu?: { repetition: number; status: string; artifact_dir: string; failed: true; metrics: Record<string, number> }[];
}

export interface OverheadSummary {
  workload: string;
  variant: string;
  mode: string;
  metric: string;
  direction: Direction;
  blocks: number;
  /** Cost of the mode against baseline, percent (positive = costs); null when a run of either side could not measure the percentile (`reason` says why). */
  percent: number | null;
  ci95: { low: number; high: number } | null;
  /** Half the 95 % interval's width, percentage points: the smallest overhead this run could have seen. */
  half_width: number | null;
  /** Per-block ln(cost ratio), in repetition order: what `harness compare` tests. */
  log_ratios: number[];
  reason?: string;
}

export interface SuiteSummary {
  schema: typeof SUMMARY_SCHEMA;
  suite: string;
  descriptor: string;
  generated_at: string;
  /** Suite execution IDs of the runs summarised (one, unless results of several invocations were merged). */
  suite_execution_ids: string[];
  /** errors: runs that could not run or finish (their file failed to load, the suite was interrupted). */
  /** remeasured: runs whose result is a later attempt (a disturbed one was measured again: validity.disturbed_retries). */
  /** not_needed: planned blocks the precision stop rule skipped (docs/precision.md). */
  runs: { total: number; passed: number; failed: number; interrupted: number; errors?: number; remeasured?: number; not_needed?: number };
  groups: GroupSummary[];
  overhead: OverheadSummary[];
  /** Known-cost recovery, for suites whose variants inject a cost (`injected_us`); absent otherwise. */
  recovery?: RecoveryRow[];
  /** Precision targets (docs/precision.md): per workload × variant × mode and target, the stop rule replayed over the blocks measured; absent without targets. */
  precision?: PrecisionRow[];
  warnings: string[];
  /** Every run that failed or errored, with its failure kind and headline (set by the suite's reporters). */
  failures?: { name: string; state: 'failed' | 'error'; kind: string; message: string }[];
  /** Errors outside any run (unhandled errors Vitest saw). */
  errors?: { message: string }[];
  /** The suite was interrupted before every run ended. */
  interrupted?: boolean;
}

export interface SummaryOptions {
  /** Seed of every bootstrap, recorded. @default 1 */
  seed?: number;
  confidence?: number;
  directions?: Record<string, Direction>;
}

const groupKey = (r: RunRecord): string => `${r.result.run.workload}\0${r.result.run.mode}\0${r.result.run.variant}`;
const round = (x: number, digits = 4): number => Number(x.toPrecision(digits + 2));

function summarizeMetric(values: { rep: number; value: number }[], direction: Direction, seed: number, confidence: number): MetricSummary {
  const xs = values.map((v) => v.value);
  const d = describeSample(xs);
  const boot = bootstrapInterval(xs, { statistic: 'median', seed, confidence });
  return {
    direction,
    n: d.n,
    mean: round(d.mean),
    median: round(d.median),
    stdev: Number.isFinite(d.stdev) ? round(d.stdev) : null,
    min: d.min,
    max: d.max,
    cv: Number.isFinite(d.cv) ? round(d.cv) : null,
    ci95: boot.low === null ? null : { low: round(boot.low), high: round(boot.high) },
    values: xs,
    outlier_repetitions: findOutliers(xs).map((i) => values[i]!.rep),
  };
}

// Statistics of a suite's runs: per workload × mode × variant and metric, plus each mode's overhead.
export function summarizeRuns(records: readonly RunRecord[], meta: { suite: string; descriptor: string }, opts: SummaryOptions = {}): SuiteSummary {
  const seed = opts.seed ?? 1;
  const confidence = opts.confidence ?? 0.95;
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  const summaries: GroupSummary[] = [];
  const suiteWarnings: string[] = [];
  for (const runs of groups.values()) {
    const first = runs[0]!.result.run;
    const passed = runs.filter((r) => r.result.status === 'passed').sort((a, b) => a.result.run.repetition - b.result.run.repetition);
    const metricNames = [...new Set(passed.flatMap((r) => Object.keys(r.result.key_metrics)))].filter((m) => !NON_PERFORMANCE_METRICS.has(m)).sort();
    const metrics: Record<string, MetricSummary> = {};
    const warnings: string[] = [];
    let tooFew: string | undefined;
    for (const m of metricNames) {
      const values = passed.filter((r) => typeof r.result.key_metrics[m] === 'number').map((r) => ({ rep: r.result.run.repetition, value: r.result.key_metrics[m]! }));
      if (values.length === 0) continue;
      metrics[m] = summarizeMetric(values, metricDirection(m, opts.directions), seed, confidence);
      if (values.every((v) => v.value === 0)) continue;
      for (const w of checkSample(values.map((v) => v.value), { label: m, confidence }) as SampleWarning[]) {
        // The repetition count is the same for every metric: say it once per group.
        if (w.kind === 'too-few-repetitions') tooFew ??= w.message.replace(new RegExp(`^${m}: `), '');
        else warnings.push(w.message);
      }
    }
    if (tooFew) warnings.unshift(tooFew);
    const lagged = passed.filter((r) => sendLagSetTail(r.result.key_metrics)).length;
    if (lagged > 0) warnings.push(`${lagged} of ${passed.length} runs have a send lag p99 over ${SEND_LAG_TAIL_SHARE * 100} % of their latency p99: the generator, not the server, set the tail`);
    const notMeasurable = notMeasurableIn(passed);
    const closed = passed.filter((r) => r.result.key_metrics.closed_loop === 1).length;
    if (closed > 0) warnings.push(`${closed} of ${passed.length} runs measured in a closed loop: latency is under coordinated omission and throughput is achieved, not offered (docs/load-tools.md)`);
    const failed = runs.length - passed.length;
    if (failed > 0) warnings.push(`${failed} of ${runs.length} runs failed and are left out of the statistics`);
    const withClients = passed.some((r) => r.result.commands.some((c) => c.role === 'client'));
    const absent = withClients ? LOAD_METRICS.filter((m) => !metrics[m]) : [];
    if (absent.length > 0) warnings.push(`absent metrics: ${absent.join(', ')}: no passed run's clients reported them`);
    const failedCpu = runs.filter((r) => r.result.status !== 'passed').flatMap((r) => {
      const cpu = Object.fromEntries(Object.entries(r.result.key_metrics).filter(([k]) => k.includes('cpu')));
      return Object.keys(cpu).length > 0 ? [{ repetition: r.result.run.repetition, status: r.result.status, artifact_dir: r.dir, failed: true as const, metrics: cpu }] : [];
    });
    summaries.push({
      workload: first.workload,
      mode: first.mode,
      variant: first.variant,
      params: first.params,
      runs: runs.length,
      passed: passed.length,
      failed,
      repetitions: passed.map((r) => r.result.run.repetition),
      artifact_dirs: runs.map((r) => r.dir),
      metrics,
      ...(notMeasurable ? { not_measurable: notMeasurable } : {}),
      warnings,
      ...(absent.length > 0 ? { absent_metrics: absent } : {}),
      ...(failedCpu.length > 0 ? { failed_runs_cpu: failedCpu } : {}),
    });
  }
  const overhead = computeOverhead(records, seed, confidence, opts.directions, suiteWarnings);
  const recovery = computeRecovery(records, { confidence });
  const precision = computePrecisionRows(records);
  for (const r of precision.filter((x) => x.status === 'pending')) {
    const what = `${r.workload}/${precisionArm(r)}/${r.variant} ${precisionMetric(r)}`;
    const width = r.achieved_half_width === null ? 'unbounded' : `±${r.achieved_half_width} ${precisionIsPercent(r) ? 'pp' : '%'}`;
    suiteWarnings.push(
      `precision: ${what} ended ${width} against a target of ±${r.target} after ${r.blocks} blocks (${r.stop_reason}${r.margin !== null ? `; ${r.verdict_text ?? 'inconclusive'}` : ''}): ${needs(r)}raise max_repetitions or time_budget_s, or accept the wider interval`,
    );
  }
  const count = (s: string): number => records.filter((r) => r.result.status === s).length;
  const remeasured = records.filter((r) => (r.result.run.attempt ?? 1) > 1);
  if (remeasured.length > 0) {
    suiteWarnings.push(`${remeasured.length} run(s) measured again after a disturbance made an attempt invalid (validity.disturbed_retries; their warnings name the earlier attempts): ${remeasured.map((r) => r.result.run.name).join(', ')}`);
  }
  return {
    schema: SUMMARY_SCHEMA,
    suite: meta.suite,
    descriptor: meta.descriptor,
    generated_at: new Date().toISOString(),
    suite_execution_ids: [...new Set(records.map((r) => r.result.run.suite_execution_id ?? r.result.run.session_id).filter((x): x is string => !!x))].sort(),
    runs: { total: records.length, passed: count('passed'), failed: count('failed'), interrupted: count('interrupted'), ...(remeasured.length > 0 ? { remeasured: remeasured.length } : {}) },
    groups: summaries.sort((a, b) => a.workload.localeCompare(b.workload) || a.variant.localeCompare(b.variant) || a.mode.localeCompare(b.mode)),
    overhead,
    ...(recovery.length > 0 ? { recovery } : {}),
    ...(precision.length > 0 ? { precision } : {}),
    warnings: suiteWarnings,
  };
}

// Per latency metric, how many passed runs could not measure it, with the first run's reason.
function notMeasurableIn(passed: readonly RunRecord[]): GroupSummary['not_measurable'] {
  const out: NonNullable<GroupSummary['not_measurable']> = {};
  for (const r of passed) {
    for (const [metric, reason] of unmeasurable(r.result.latency)) {
      const seen = Object.hasOwn(out, metric) ? out[metric]! : (out[metric] = { runs: 0, of: passed.length, reason });
      seen.runs++;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

// Overhead of each mode against baseline, paired within repetition blocks (same workload, variant, repetition).
function computeOverhead(records: readonly RunRecord[], seed: number, confidence: number, directions: Record<string, Direction> | undefined, warnings: string[]): OverheadSummary[] {
  const passed = records.filter((r) => r.result.status === 'passed');
  const out: OverheadSummary[] = [];
  const cells = new Map<string, RunRecord>();
  for (const r of passed) cells.set(`${r.result.run.workload}\0${r.result.run.variant}\0${r.result.run.mode}\0${r.result.run.repetition}`, r);
  const combos = new Set(passed.filter((r) => r.result.run.mode !== 'baseline').map((r) => `${r.result.run.workload}\0${r.result.run.variant}\0${r.result.run.mode}`));
  for (const combo of [...combos].sort()) {
    const [workload, variant, mode] = combo.split('\0') as [string, string, string];
    for (const metric of OVERHEAD_METRICS) {
      const pairs: { baseline: number; mode: number }[] = [];
      let notMeasurable: string | undefined;
      for (const r of passed) {
        const run = r.result.run;
        if (run.workload !== workload || run.variant !== variant || run.mode !== mode) continue;
        const base = cells.get(`${workload}\0${variant}\0baseline\0${run.repetition}`);
        notMeasurable ??= unmeasurable(r.result.latency).get(metric) ?? unmeasurable(base?.result.latency).get(metric);
        const b = base?.result.key_metrics[metric];
        const m = r.result.key_metrics[metric];
        if (typeof b === 'number' && typeof m === 'number' && b > 0 && m > 0) pairs.push({ baseline: b, mode: m });
      }
      if (pairs.length === 0) continue;
      const direction = metricDirection(metric, directions);
      // An overhead on a percentile the generator's floor could set is not reported as a number.
      if (notMeasurable) {
        out.push({ workload, variant, mode, metric, direction, blocks: pairs.length, percent: null, ci95: null, half_width: null, log_ratios: [], reason: notMeasurable });
        continue;
      }
      const est = estimateOverhead(pairs, { direction, seed, confidence });
      out.push({
        workload,
        variant,
        mode,
        metric,
        direction,
        blocks: est.blocks,
        percent: round(est.percent),
        ci95: est.interval ? { low: round(est.interval.low), high: round(est.interval.high) } : null,
        half_width: est.interval ? round((est.interval.high - est.interval.low) / 2) : null,
        log_ratios: est.logRatios.map((x) => round(x, 6)),
        ...(est.reason ? { reason: est.reason } : {}),
      });
      if (est.blocks < 2) warnings.push(`overhead of ${mode} on ${workload}/${variant} ${metric}: only ${est.blocks} repetition block with a baseline, no interval`);
    }
  }
  return out;
}

// "at the noise so far ±2 pp needs about 1,052–1,907 blocks in all (~4.7–8.5 h at 16 s per block); " or "".
function needs(r: PrecisionRow): string {
  const p = r.blocks_for_target;
  if (!p) return '';
  const blocks = p.low === p.high ? formatNumber(p.low) : `${formatNumber(p.low)}–${formatNumber(p.high)}`;
  const time = r.seconds_per_block === null ? '' : ` (~${hours(p.low * r.seconds_per_block)}–${hours(p.high * r.seconds_per_block)} at ${formatNumber(r.seconds_per_block)} s per block)`;
  return `at the noise so far ±${r.target} ${precisionIsPercent(r) ? 'pp' : '%'} needs about ${blocks} blocks in all${time}; `;
}

function hours(seconds: number): string {
  return seconds < 3600 ? `${formatNumber(seconds / 60)} min` : `${formatNumber(seconds / 3600)} h`;
}
