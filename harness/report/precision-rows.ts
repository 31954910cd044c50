import type { RunRecord } from '../results/artifact-store.ts';
import { blocksFromResults, precisionSeriesLabel, replayPrecision } from '../results/precision-replay.ts';
import type { PrecisionSpec } from '../config/schema/precision.ts';
import { isRelative } from '../stats/precision-series.ts';
import { formatNumber, formatPercent } from './format.ts';

/** One precision target of one mode, as the suite's runs left it (docs/precision.md). */
export interface PrecisionRow {
  workload: string;
  /** The variant label; on a mutations axis without the mutation (see `mutation`). */
  variant: string;
  mode: string;
  /** The mutation this row measures (of: change: against the unpatched base), when the workload has a mutations axis. */
  mutation: string | null;
  metric: string;
  of: 'overhead' | 'change' | 'value';
  /** Wanted half-width: percentage points (overhead, change) or percent of the value (value). */
  target: number;
  /** Achieved half-width, same unit; null while the interval is unbounded. */
  achieved_half_width: number | null;
  /** Overhead, change: percent (+ = costs / worse); value: the metric's robust location. null before any data. */
  estimate: number | null;
  /** The anytime-valid interval; a null end is unbounded. */
  interval: { low: number | null; high: number | null };
  confidence: number;
  /** Blocks with a value for this series, and blocks measured in all. */
  blocks: number;
  blocks_measured: number;
  margin: number | null;
  verdict: string | null;
  verdict_text: string | null;
  status: 'met' | 'decided' | 'pending';
  /** Why this metric's measuring ended; 'open' when the suite ended before the stop rule did (interrupted, filtered, --max-runs). */
  stop_reason: 'target-met' | 'verdict-decided' | 'max-repetitions' | 'time-budget' | 'open';
  missing_repetitions: number[];
  outlier_repetitions: number[];
}

const finite = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);

// Per workload × series (variant; on a mutations axis, the variant across its mutations) with precision targets (recorded in each run's assessment.checks), the
// stop rule replayed over every block measured: each target's estimate, anytime-valid interval,
// achieved width, verdict and why it stopped. Records are one per run (last attempts).
export function computePrecisionRows(records: readonly RunRecord[]): PrecisionRow[] {
  const series = new Map<string, { spec: PrecisionSpec; records: RunRecord[] }>();
  for (const r of records) {
    const spec = r.result.assessment?.checks.precision;
    const key = `${r.result.run.workload}\0${precisionSeriesLabel(r.result.run.variant)}`;
    const entry = series.get(key);
    if (entry) entry.records.push(r);
    else if (spec) series.set(key, { spec, records: [r] });
  }
  // Runs recorded before the first one that carries the spec (e.g. a failed run without assessment) still count.
  for (const r of records) {
    const entry = series.get(`${r.result.run.workload}\0${precisionSeriesLabel(r.result.run.variant)}`);
    if (entry && !entry.records.includes(r)) entry.records.push(r);
  }
  const rows: PrecisionRow[] = [];
  for (const { spec, records: rs } of series.values()) {
    const { workload } = rs[0]!.result.run;
    const variant = precisionSeriesLabel(rs[0]!.result.run.variant);
    const blocks = blocksFromResults(rs.map((r) => r.result));
    const replay = replayPrecision(spec, blocks, { untilStop: false });
    for (const s of replay.results) {
      rows.push({
        workload,
        variant,
        mode: s.mode,
        mutation: s.mutation,
        metric: s.metric,
        of: s.of,
        target: s.target,
        achieved_half_width: finite(s.achievedHalfWidth),
        estimate: finite(s.estimate),
        interval: { low: finite(s.interval.low), high: finite(s.interval.high) },
        confidence: spec.confidence,
        blocks: s.blocks,
        blocks_measured: replay.blocks,
        margin: s.margin,
        verdict: s.verdict,
        verdict_text: s.verdictText,
        status: s.status,
        stop_reason: s.stopReason ?? 'open',
        missing_repetitions: s.missingRepetitions,
        outlier_repetitions: s.outlierRepetitions,
      });
    }
  }
  return rows.sort((a, b) => a.workload.localeCompare(b.workload) || a.variant.localeCompare(b.variant) || a.metric.localeCompare(b.metric) || a.mode.localeCompare(b.mode) || (a.mutation ?? '').localeCompare(b.mutation ?? ''));
}

/** "perf", or "baseline under kv-slow-get" on a mutations axis: the arm a row measures. */
export const precisionArm = (r: Pick<PrecisionRow, 'mode' | 'mutation'>): string => (r.mutation === null ? r.mode : `${r.mode} under ${r.mutation}`);

/** "overhead of server_cpu_us_per_req", "change of p99_us vs base", or the metric (of: value). */
export const precisionMetric = (r: Pick<PrecisionRow, 'of' | 'metric'>): string => (r.of === 'overhead' ? `overhead of ${r.metric}` : r.of === 'change' ? `change of ${r.metric} vs base` : r.metric);

/** Whether the row's estimate and interval are percent changes (overhead, change) rather than values. */
export const precisionIsPercent = (r: Pick<PrecisionRow, 'of'>): boolean => isRelative(r.of);

// "[+1.2 %, +3.4 %]" (percent series) or "[41.9, 44.0]" (values); an unbounded end reads ±∞.
export function precisionInterval(r: PrecisionRow): string {
  const end = (x: number | null, sign: 1 | -1): string => (x === null ? (sign > 0 ? '+∞' : '−∞') : precisionIsPercent(r) ? formatPercent(x) : formatNumber(x));
  return `[${end(r.interval.low, -1)}, ${end(r.interval.high, 1)}]`;
}

export const precisionUnit = (r: PrecisionRow): string => (precisionIsPercent(r) ? 'pp' : '%');
