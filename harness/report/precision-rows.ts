import type { RunRecord } from '../results/artifact-store.ts';
import { axisOf, blocksFromResults, precisionSeries, replayPrecision } from '../results/precision-replay.ts';
import { targetAgainst, type PrecisionSpec } from '../config/schema/precision.ts';
import { armLabel } from '../stats/precision-controller.ts';
import { isRelative } from '../stats/precision-series.ts';
import { formatNumber, formatPercent } from './format.ts';
import { projectBlocks, type BlocksProjection } from '../stats/precision-projection.ts';

/** One precision target of one mode, as the suite's runs left it (docs/precision.md). */
export interface PrecisionRow {
  workload: string;
  /** The variant label; when the block spans an axis, without it (see `axis`, `level`). */
  variant: string;
  mode: string;
  /** The parameter the block spans (`mutation`, or a change or difference target's `against:` parameter) and this row's value of it; null without one. */
  axis: string | null;
  level: string | null;
  /** The mutation this row measures (of: change: against the unpatched base), when the block spans the mutations axis: `level` then. */
  mutation: string | null;
  metric: string;
  of: 'overhead' | 'change' | 'difference' | 'value';
  /** The reference level of a change or difference ("mutation=base", "injected_us=0"); null for overhead and value. */
  against: string | null;
  /** Wanted half-width: percentage points (overhead, change) or percent of the estimate (value, difference). */
  target: number;
  /** Achieved half-width, same unit; null while the interval is unbounded. */
  achieved_half_width: number | null;
  /** Overhead, change: percent (+ = costs / worse); value: the metric's robust location; difference: this level's minus the reference's, the metric's units. null before any data. */
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
  /** Pending after at least 20 blocks: about how many blocks the target would need at the noise so far (stats/precision-projection.ts); else null. */
  blocks_for_target: BlocksProjection | null;
  /** Wall-clock seconds per block of this series so far (its runs' span ÷ blocks measured): what more blocks would take. */
  seconds_per_block: number | null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);

// Per workload × series (variant; when the block spans an axis, the variant across its levels) with precision targets (recorded in each run's assessment.checks), the
// stop rule replayed over every block measured: each target's estimate, anytime-valid interval,
// achieved width, verdict and why it stopped. Records are one per run (last attempts).
export function computePrecisionRows(records: readonly RunRecord[]): PrecisionRow[] {
  // Which series a record belongs to depends on its spec's axis, so the specs come first (per workload).
  const specs = new Map<string, PrecisionSpec>();
  for (const r of records) {
    const spec = r.result.assessment?.checks.precision;
    if (spec && !specs.has(r.result.run.workload)) specs.set(r.result.run.workload, spec);
  }
  const series = new Map<string, { spec: PrecisionSpec; axis: string; label: string; records: RunRecord[] }>();
  for (const r of records) {
    // One spec per workload entry: every run of it (a failed run without an assessment too) groups alike.
    const spec = specs.get(r.result.run.workload);
    if (!spec) continue;
    const axis = axisOf(spec);
    const place = precisionSeries(r.result.run, axis);
    const key = `${r.result.run.workload}\0${place.key}`;
    const entry = series.get(key);
    if (entry) entry.records.push(r);
    else series.set(key, { spec, axis, label: place.label, records: [r] });
  }
  const rows: PrecisionRow[] = [];
  for (const { spec, axis, label: variant, records: rs } of series.values()) {
    const { workload } = rs[0]!.result.run;
    const blocks = blocksFromResults(rs.map((r) => r.result), axis);
    const replay = replayPrecision(spec, blocks, { untilStop: false });
    const secondsPerBlock = blockSeconds(rs, replay.blocks);
    for (const s of replay.results) {
      rows.push({
        workload,
        variant,
        mode: s.mode,
        axis: s.axis,
        level: s.level,
        mutation: s.axis === 'mutation' ? s.level : null,
        metric: s.metric,
        of: s.of,
        against: s.of === 'change' || s.of === 'difference' ? againstText(spec, s.metric, s.of) : null,
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
        blocks_for_target: s.status === 'pending' ? projectBlocks(s.blocks, s.achievedHalfWidth, s.target) : null,
        seconds_per_block: secondsPerBlock,
      });
    }
  }
  return rows.sort(
    (a, b) =>
      a.workload.localeCompare(b.workload) || a.variant.localeCompare(b.variant) || a.metric.localeCompare(b.metric) || a.mode.localeCompare(b.mode) || compareLevels(a.level, b.level),
  );
}

// Wall-clock span of a series' runs ÷ its blocks; null without two timestamps.
function blockSeconds(rs: readonly RunRecord[], blocks: number): number | null {
  const starts = rs.map((r) => Date.parse(r.result.started_at ?? '')).filter(Number.isFinite);
  const ends = rs.map((r) => Date.parse(r.result.finished_at ?? '')).filter(Number.isFinite);
  if (blocks < 1 || starts.length === 0 || ends.length === 0) return null;
  const span = (Math.max(...ends) - Math.min(...starts)) / 1000;
  return span > 0 ? Number((span / blocks).toPrecision(4)) : null;
}

// Levels in their natural order: numbers as numbers (injected_us 5 before 20), else as text.
function compareLevels(a: string | null, b: string | null): number {
  const x = Number(a ?? '');
  const y = Number(b ?? '');
  return a !== null && b !== null && a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) ? x - y : (a ?? '').localeCompare(b ?? '');
}

// "mutation=base", "injected_us=0": the reference level a change or difference target names.
function againstText(spec: PrecisionSpec, metric: string, of: 'change' | 'difference'): string {
  const t = spec.targets.find((x) => x.metric === metric && x.of === of);
  const { param, level } = targetAgainst(t ?? {});
  return `${param}=${level}`;
}

/** "perf", "baseline under kv-slow-get" (mutations axis) or "baseline at injected_us=5": the arm a row measures. */
export const precisionArm = (r: Pick<PrecisionRow, 'mode' | 'mutation'> & { axis?: string | null; level?: string | null }): string =>
  armLabel({ mode: r.mode, axis: r.axis ?? (r.mutation === null ? null : 'mutation'), level: r.level ?? r.mutation });

/** "overhead of server_cpu_us_per_req", "change of p99_us vs base", "difference of server_cpu_us_per_req vs injected_us=0", or the metric (of: value). */
export function precisionMetric(r: Pick<PrecisionRow, 'of' | 'metric'> & { against?: string | null }): string {
  const vs = r.against === undefined || r.against === null || r.against === 'mutation=base' ? 'base' : r.against;
  return r.of === 'overhead' ? `overhead of ${r.metric}` : r.of === 'change' || r.of === 'difference' ? `${r.of} of ${r.metric} vs ${vs}` : r.metric;
}

/** Whether the row's estimate and interval are percent changes (overhead, change) rather than values. */
export const precisionIsPercent = (r: Pick<PrecisionRow, 'of'>): boolean => isRelative(r.of);

// "[+1.2 %, +3.4 %]" (percent series) or "[41.9, 44.0]" (values); an unbounded end reads ±∞.
export function precisionInterval(r: PrecisionRow): string {
  const end = (x: number | null, sign: 1 | -1): string => (x === null ? (sign > 0 ? '+∞' : '−∞') : precisionIsPercent(r) ? formatPercent(x) : formatNumber(x));
  return `[${end(r.interval.low, -1)}, ${end(r.interval.high, 1)}]`;
}

export const precisionUnit = (r: PrecisionRow): string => (precisionIsPercent(r) ? 'pp' : '%');
