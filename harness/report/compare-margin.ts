import { costRatio, decideChange, metricDirection, percentInterval, RobustConfidenceSequence, type ChangeVerdict, type Direction } from '../stats/index.ts';
import type { GroupSummary, SuiteSummary } from './summary.ts';

/** One metric of one configuration judged against the margin (`harness compare --margin`). */
export interface MarginRow {
  workload: string;
  mode: string;
  variant: string;
  metric: string;
  verdict: ChangeVerdict;
  /** The verdict with its interval, e.g. "no change within ±5 % (interval [-1.2 %, +2.0 %])". */
  reason: string;
  /** Pairs of runs (same repetition on both sides) the sequence used. */
  pairs: number;
  /** Robust (Huber) estimate of the change, percent, + = worse. */
  change_pct: number;
  /** Interval of the change, percent; null while the sequence has not bounded that side (too few pairs). */
  low_pct: number | null;
  high_pct: number | null;
  half_width_pp: number | null;
  /** Confidence of this row's sequence: 1 − α / (rows of its configuration), Bonferroni. */
  confidence: number;
  direction: Direction;
  /** Repetitions whose change lies beyond the clip bound of the estimate: kept, their pull capped. */
  clipped_repetitions: number[];
}

export interface MarginReport {
  /** The margin, percent. */
  margin_pct: number;
  alpha: number;
  overall: ChangeVerdict;
  counts: Record<ChangeVerdict, number>;
  rows: MarginRow[];
  /** Metrics left out, with why (unpaired repetitions, zero or negative values). */
  notCompared: string[];
}

export interface MarginOptions {
  /** Margin, percent (5 = ±5 %). */
  margin: number;
  /** @default 0.05 */
  alpha?: number;
  metrics?: string[];
  directions?: Record<string, Direction>;
}

interface Pending {
  group: GroupSummary;
  metric: string;
  direction: Direction;
  logs: number[];
  repetitions: number[];
}

// Per-repetition values of a metric, or why there are none: `values` follow the passed runs in
// repetition order, so they pair with `repetitions` only when every passed run has the metric.
function byRepetition(g: GroupSummary, metric: string): Map<number, number> | string {
  const m = g.metrics[metric]!;
  if (m.values.length !== g.repetitions.length) return `${m.values.length} values for ${g.repetitions.length} repetitions`;
  return new Map(g.repetitions.map((rep, i) => [rep, m.values[i]!]));
}

const overallOf = (counts: Record<ChangeVerdict, number>, rows: number): ChangeVerdict =>
  counts.regressed > 0 ? 'regressed' : counts.improved > 0 && counts.inconclusive === 0 ? 'improved' : rows > 0 && counts['no-change'] === rows ? 'no-change' : counts.improved > 0 ? 'improved' : 'inconclusive';

// Margin verdicts (docs/precision.md): per configuration and metric, pair base and candidate runs
// by repetition, feed ln(cost ratio) (+ = worse) to the robust confidence sequence and read "no
// change within ±X %", "regressed", "improved" or "inconclusive" off its interval. α is split over
// the metrics of a configuration (Bonferroni), so each configuration's verdicts are wrong with
// probability ≤ α together.
export function compareWithMargin(base: SuiteSummary, cand: SuiteSummary, opts: MarginOptions): MarginReport {
  const alpha = opts.alpha ?? 0.05;
  const key = (g: { workload: string; mode: string; variant: string }): string => `${g.workload}/${g.mode}/${g.variant}`;
  const candGroups = new Map(cand.groups.map((g) => [key(g), g]));
  const notCompared: string[] = [];
  const families = new Map<string, Pending[]>();
  for (const g of base.groups) {
    const c = candGroups.get(key(g));
    if (!c) continue;
    for (const metric of Object.keys(g.metrics)) {
      if ((opts.metrics && !opts.metrics.includes(metric)) || !Object.hasOwn(c.metrics, metric)) continue;
      const [b, v] = [byRepetition(g, metric), byRepetition(c, metric)];
      if (typeof b === 'string' || typeof v === 'string') {
        notCompared.push(`${key(g)} ${metric} (cannot pair runs by repetition: ${typeof b === 'string' ? `base has ${b}` : `candidate has ${v as string}`})`);
        continue;
      }
      const reps = [...b.keys()].filter((r) => v.has(r)).sort((x, y) => x - y);
      if (reps.some((r) => !(b.get(r)! > 0 && v.get(r)! > 0))) {
        if ([...b.values(), ...v.values()].some((x) => x !== 0)) notCompared.push(`${key(g)} ${metric} (zero or negative values: no relative change)`);
        continue;
      }
      const direction = metricDirection(metric, opts.directions);
      const logs = reps.map((r) => Math.log(costRatio({ baseline: b.get(r)!, mode: v.get(r)! }, direction)));
      families.set(key(g), [...(families.get(key(g)) ?? []), { group: g, metric, direction, logs, repetitions: reps }]);
    }
  }
  const rows: MarginRow[] = [];
  for (const members of families.values()) {
    const confidence = 1 - alpha / members.length;
    for (const p of members) {
      const cs = new RobustConfidenceSequence({ confidence });
      for (const x of p.logs) cs.push(x);
      const iv = cs.interval();
      const pct = percentInterval(iv);
      const decided = decideChange(pct, opts.margin);
      const finite = (x: number): number | null => (Number.isFinite(x) ? round(x) : null);
      rows.push({
        workload: p.group.workload,
        mode: p.group.mode,
        variant: p.group.variant,
        metric: p.metric,
        verdict: decided.verdict,
        reason: p.logs.length === 0 ? 'no repetition on both sides' : decided.text,
        pairs: p.logs.length,
        change_pct: p.logs.length ? round(Math.expm1(iv.estimate) * 100) : 0,
        low_pct: finite(pct.low),
        high_pct: finite(pct.high),
        half_width_pp: Number.isFinite(pct.high - pct.low) ? round((pct.high - pct.low) / 2) : null,
        confidence,
        direction: p.direction,
        clipped_repetitions: cs.clippedIndices().map((i) => p.repetitions[i]!),
      });
    }
  }
  const counts: Record<ChangeVerdict, number> = { regressed: 0, improved: 0, 'no-change': 0, inconclusive: 0 };
  rows.forEach((r) => (counts[r.verdict] += 1));
  return { margin_pct: opts.margin, alpha, overall: overallOf(counts, rows.length), counts, rows, notCompared };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const fmt = (x: number | null, sign: string): string => (x === null ? `${sign}inf` : `${x > 0 ? '+' : ''}${x.toFixed(1)} %`);

// Markdown table of margin verdicts, regressions first.
export function formatMarginMarkdown(r: MarginReport, labels: { base: string; candidate: string }): string {
  const order: Record<ChangeVerdict, number> = { regressed: 0, improved: 1, inconclusive: 2, 'no-change': 3 };
  const rows = [...r.rows].sort((a, b) => order[a.verdict] - order[b.verdict]);
  const lines = [
    `## ${labels.candidate} vs ${labels.base}: **${r.overall}** (margin ±${r.margin_pct} %)`,
    '',
    `${r.counts.regressed} regressed, ${r.counts.improved} improved, ${r.counts['no-change']} no change within ±${r.margin_pct} %, ${r.counts.inconclusive} inconclusive (robust confidence sequences on per-repetition log ratios, α = ${r.alpha} per configuration; docs/precision.md).`,
    '',
    '| workload | mode | variant | metric | pairs | change (+ = worse) | interval | verdict |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.workload} | ${x.mode} | ${x.variant} | ${x.metric} | ${x.pairs} | ${fmt(x.change_pct, '')} | [${fmt(x.low_pct, '-')}, ${fmt(x.high_pct, '+')}] | ${x.verdict} |`),
  ];
  if (r.rows.some((x) => x.low_pct === null || x.high_pct === null)) {
    lines.push('', 'An unbounded interval (inf) needs more repetitions: a 95 % sequence bounds nothing before 7 pairs, more when α is split over several metrics (docs/precision.md).');
  }
  if (r.notCompared.length) lines.push('', `Not compared: ${r.notCompared.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
