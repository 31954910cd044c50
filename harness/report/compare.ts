import { existsSync, statSync } from 'node:fs';
import { compareSamples, decideVerdicts, metricDirection, type Comparison, type Direction, type Verdict } from '../stats/index.ts';
import type { MannWhitneyMethod } from '../stats/mann-whitney.ts';
import { collectRunRecords, lastAttempts, ArtifactReadError } from '../results/artifact-store.ts';
import { summarizeRuns, type SuiteSummary } from './summary.ts';
import { readSummaryFile, SummaryInputError } from './summary-input.ts';
import { HarnessError } from '../errors/harness-error.ts';

export interface ComparisonRow {
  workload: string;
  mode: string;
  variant: string;
  metric: string;
  verdict: Verdict;
  reason: string;
  /** Relative change of medians, positive = worse. */
  effect: number;
  p_regression: number;
  p_improvement: number;
  min_detectable_effect: number | null;
  min_effect: number;
  n_base: number;
  n_candidate: number;
  base_median: number;
  candidate_median: number;
  direction: Direction;
  /** How p was computed: exact (n1 + n2 ≤ 50) or the normal approximation with tie correction. */
  method: MannWhitneyMethod;
}

export interface ComparisonReport {
  baseLabel: string;
  candidateLabel: string;
  overall: Verdict;
  counts: Record<Verdict, number>;
  alpha: number;
  rows: ComparisonRow[];
  /** Groups present on one side only. */
  unmatched: string[];
  /** Metrics left out: zero or negative values have no relative change (e.g. error counts). */
  notCompared: string[];
}

export interface CompareOptions {
  /** Default minimum effect. @default 0.05 */
  minEffect?: number;
  /** Per-metric minimum effects, e.g. { p99_us: 0.1 }. */
  minEffects?: Record<string, number>;
  alpha?: number;
  directions?: Record<string, Direction>;
  /** Only these metrics. @default every metric both sides have */
  metrics?: string[];
}

/** A summary.json or artifact folder(s) that cannot be compared. */
export class CompareInputError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'CompareInputError';
}

// Load one side: a summary.json, or artifact folders (summarized on the fly).
export function loadComparable(input: string): SuiteSummary {
  if (!existsSync(input)) throw new CompareInputError(`no such file or folder: ${input}`);
  if (!statSync(input).isDirectory()) {
    try {
      return readSummaryFile(input);
    } catch (err) {
      if (err instanceof SummaryInputError) throw new CompareInputError(err.message);
      throw err;
    }
  }
  let records;
  try {
    records = lastAttempts(collectRunRecords([input]));
  } catch (err) {
    if (err instanceof ArtifactReadError) throw new CompareInputError(err.message);
    throw err;
  }
  if (records.length === 0) throw new CompareInputError(`${input} holds no run_result.json (neither an artifact folder nor a folder of them)`);
  const first = records[0]!.result.run;
  return summarizeRuns(records, { suite: first.suite, descriptor: first.descriptor });
}

const overall = (counts: Record<Verdict, number>, rows: number): Verdict =>
  counts.regressed > 0 ? 'regressed' : counts.improved > 0 && counts.inconclusive === 0 ? 'improved' : rows > 0 && counts['no-change'] === rows ? 'no-change' : counts.improved > 0 ? 'improved' : 'inconclusive';

// Per metric and group: exact one-sided Mann–Whitney U, minimum effect, Holm within each configuration.
export function compareSummaries(base: SuiteSummary, cand: SuiteSummary, labels: { base: string; candidate: string }, opts: CompareOptions = {}): ComparisonReport {
  const alpha = opts.alpha ?? 0.05;
  const pending: { key: Omit<ComparisonRow, 'verdict' | 'reason' | 'effect' | 'p_regression' | 'p_improvement' | 'min_detectable_effect' | 'n_base' | 'n_candidate' | 'base_median' | 'candidate_median' | 'method'>; cmp: Comparison }[] = [];
  const unmatched: string[] = [];
  const notCompared: string[] = [];
  const key = (g: { workload: string; mode: string; variant: string }): string => `${g.workload}/${g.mode}/${g.variant}`;
  const candGroups = new Map(cand.groups.map((g) => [key(g), g]));
  const maxOf = (xs: number[]): number => xs.reduce((a, b) => (b > a ? b : a), -Infinity);
  const add = (workload: string, mode: string, variant: string, metric: string, b: number[], c: number[], direction: Direction): void => {
    if (b.length === 0 || c.length === 0) return;
    // Relative effects need positive values: counts such as errors are reported, not tested.
    if ([...b, ...c].some((x) => !(x > 0))) {
      if ([...b, ...c].some((x) => x !== 0)) notCompared.push(`${workload}/${mode}/${variant} ${metric} (zero or negative values; base max ${maxOf(b)}, candidate max ${maxOf(c)})`);
      return;
    }
    const minEffect = (opts.minEffects && Object.hasOwn(opts.minEffects, metric) ? opts.minEffects[metric] : undefined) ?? opts.minEffect ?? 0.05;
    pending.push({ key: { workload, mode, variant, metric, min_effect: minEffect, direction }, cmp: compareSamples(b, c, { direction, minEffect, alpha }) });
  };
  for (const g of base.groups) {
    const c = candGroups.get(key(g));
    if (!c) {
      unmatched.push(`${key(g)} (only in ${labels.base})`);
      continue;
    }
    candGroups.delete(key(g));
    for (const metric of Object.keys(g.metrics)) {
      if (opts.metrics && !opts.metrics.includes(metric)) continue;
      const cm = Object.hasOwn(c.metrics, metric) ? c.metrics[metric] : undefined;
      if (!cm) continue;
      add(g.workload, g.mode, g.variant, metric, g.metrics[metric]!.values, cm.values, metricDirection(metric, opts.directions));
    }
  }
  for (const k of candGroups.keys()) unmatched.push(`${k} (only in ${labels.candidate})`);
  // Overhead: compare the per-block cost ratios (smaller is better).
  for (const o of base.overhead) {
    const metric = `overhead.${o.metric}`;
    if (opts.metrics && !opts.metrics.includes(metric)) continue;
    const co = cand.overhead.find((x) => x.workload === o.workload && x.variant === o.variant && x.mode === o.mode && x.metric === o.metric);
    if (co?.log_ratios && o.log_ratios && o.percent !== null && co.percent !== null) add(o.workload, o.mode, o.variant, metric, o.log_ratios.map(Math.exp), co.log_ratios.map(Math.exp), 'lower-is-better');
  }
  // Holm per configuration (workload/mode/variant and its overhead rows): one family per question
  // "did this configuration change?", so adding workloads does not dilute every other verdict.
  const families = new Map<string, number[]>();
  pending.forEach((p, i) => {
    const k = key(p.key);
    families.set(k, [...(families.get(k) ?? []), i]);
  });
  const decided: Comparison[] = new Array<Comparison>(pending.length);
  for (const members of families.values()) {
    decideVerdicts(members.map((i) => pending[i]!.cmp)).forEach((cmp, j) => (decided[members[j]!] = cmp));
  }
  const rows: ComparisonRow[] = decided.map((cmp, i) => ({
    ...pending[i]!.key,
    verdict: cmp.verdict,
    reason: cmp.reason,
    effect: cmp.effect,
    p_regression: cmp.pRegression,
    p_improvement: cmp.pImprovement,
    min_detectable_effect: cmp.minDetectableEffect,
    n_base: cmp.n1,
    n_candidate: cmp.n2,
    base_median: cmp.baseMedian,
    candidate_median: cmp.candMedian,
    method: cmp.method,
  }));
  const counts: Record<Verdict, number> = { regressed: 0, improved: 0, 'no-change': 0, inconclusive: 0 };
  rows.forEach((r) => (counts[r.verdict] += 1));
  return { baseLabel: labels.base, candidateLabel: labels.candidate, overall: overall(counts, rows.length), counts, alpha, rows, unmatched, notCompared };
}

// Which p-values the rows carry: exact up to n1 + n2 = 50, the normal approximation beyond.
function describeMethods(rows: readonly ComparisonRow[]): string {
  const normal = rows.filter((r) => r.method === 'normal').length;
  if (normal === 0) return 'exact p-values';
  const note = 'normal approximation with tie and continuity correction (n1 + n2 > 50)';
  return normal === rows.length ? note : `exact p-values, ${normal} of ${rows.length} rows by the ${note}`;
}

const pct = (x: number | null): string => (x === null ? 'none' : `${(x * 100).toFixed(1)} %`);

// Markdown table of verdicts, regressions first.
export function formatComparisonMarkdown(r: ComparisonReport): string {
  const order: Record<Verdict, number> = { regressed: 0, improved: 1, inconclusive: 2, 'no-change': 3 };
  const rows = [...r.rows].sort((a, b) => order[a.verdict] - order[b.verdict]);
  const lines = [
    `## ${r.candidateLabel} vs ${r.baseLabel}: **${r.overall}**`,
    '',
    `${r.counts.regressed} regressed, ${r.counts.improved} improved, ${r.counts['no-change']} no change, ${r.counts.inconclusive} inconclusive (one-sided Mann–Whitney U: ${describeMethods(r.rows)}; α = ${r.alpha}, Holm-corrected per configuration).`,
    '',
    '| workload | mode | variant | metric | base median | candidate median | change (+ = worse) | p (worse) | smallest detectable | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.workload} | ${x.mode} | ${x.variant} | ${x.metric} | ${Number(x.base_median.toPrecision(4))} | ${Number(x.candidate_median.toPrecision(4))} | ${pct(x.effect)} | ${x.p_regression.toPrecision(3)} | ${pct(x.min_detectable_effect)} | ${x.verdict} |`),
  ];
  if (r.unmatched.length) lines.push('', `Not compared: ${r.unmatched.join(', ')}`);
  if (r.notCompared.length) lines.push('', `Counts with zero or negative values (no relative change to test): ${r.notCompared.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
