import { median } from 'simple-statistics';
import { assertPositiveSample } from './check-sample.ts';
import { minimumDetectableEffect } from './detectable-effect.ts';
import type { Direction } from './direction.ts';
import { holmAdjust } from './holm.ts';
import { mannWhitneyU, minExactPValue, type MannWhitneyMethod } from './mann-whitney.ts';

export type Verdict = 'regressed' | 'improved' | 'no-change' | 'inconclusive';

export interface CompareOptions {
  direction: Direction;
  /** Smallest relative change of the median that matters (0.05 = 5 %). @default 0.05 */
  minEffect?: number;
  /** Level of each one-sided test; in decideVerdicts, the family-wise level per direction. @default 0.05 */
  alpha?: number;
  /** Largest n1 + n2 for exact p-values. @default 50 */
  exactLimit?: number;
}

export interface Comparison {
  verdict: Verdict;
  /** One sentence saying why, with the numbers. */
  reason: string;
  /** Relative change of medians signed so that positive = worse: (cand − base)/base for
   * lower-is-better, (base − cand)/base for higher-is-better. 0.2 = 20 % worse. */
  effect: number;
  /** One-sided p-value that the candidate is worse; Holm-adjusted once `adjusted` is 'holm'. */
  pRegression: number;
  /** One-sided p-value that the candidate is better; Holm-adjusted once `adjusted` is 'holm'. */
  pImprovement: number;
  rawPRegression: number;
  rawPImprovement: number;
  adjusted: 'none' | 'holm';
  /** See minimumDetectableEffect; null when these sample sizes cannot detect any shift at alpha. */
  minDetectableEffect: number | null;
  /** Smallest one-sided p-value the exact test can give at n1, n2: 1 / C(n1 + n2, n1). */
  minAchievableP: number;
  method: MannWhitneyMethod;
  n1: number;
  n2: number;
  baseMedian: number;
  candMedian: number;
  direction: Direction;
  minEffect: number;
  alpha: number;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const fmtP = (p: number): string => p.toPrecision(3);

// The verdict rules, applied to whichever p-values (raw or Holm-adjusted) the comparison carries.
function decide(c: Omit<Comparison, 'verdict' | 'reason'>): Pick<Comparison, 'verdict' | 'reason'> {
  const { alpha, minEffect, effect, pRegression, pImprovement, minDetectableEffect: mde } = c;
  if (c.minAchievableP > alpha) {
    const reason = `too few repetitions: with n1 = ${c.n1}, n2 = ${c.n2} the smallest exact one-sided p-value is ${fmtP(c.minAchievableP)} > alpha ${alpha}`;
    return { verdict: 'inconclusive', reason };
  }
  if (pRegression <= alpha && effect >= minEffect) {
    return { verdict: 'regressed', reason: `median ${pct(effect)} worse (p = ${fmtP(pRegression)} <= ${alpha})` };
  }
  if (pImprovement <= alpha && -effect >= minEffect) {
    return { verdict: 'improved', reason: `median ${pct(-effect)} better (p = ${fmtP(pImprovement)} <= ${alpha})` };
  }
  const p = fmtP(Math.min(pRegression, pImprovement));
  if (Math.abs(effect) >= minEffect) {
    return { verdict: 'inconclusive', reason: `median changed by ${pct(effect)} but not significantly (p = ${p})` };
  }
  if (mde !== null && mde <= minEffect) {
    const reason = `median changed by ${pct(effect)} (p = ${p}), under minEffect ${pct(minEffect)}; a shift of ${pct(mde)} would have been detected`;
    return { verdict: 'no-change', reason };
  }
  const detectable = mde === null ? 'no shift' : `only shifts of ${pct(mde)} or more`;
  return { verdict: 'inconclusive', reason: `too noisy: at this spread ${detectable} could be detected, minEffect is ${pct(minEffect)}` };
}

// Compare a candidate sample with a baseline sample (positive values) by two one-sided
// Mann–Whitney tests and the relative change of medians; see `decide` for the rules.
export function compareSamples(base: readonly number[], cand: readonly number[], options: CompareOptions): Comparison {
  assertPositiveSample(base, 'compareSamples base');
  assertPositiveSample(cand, 'compareSamples candidate');
  const { direction, minEffect = 0.05, alpha = 0.05, exactLimit = 50 } = options;
  const worse = direction === 'lower-is-better' ? 'greater' : 'less';
  const better = worse === 'greater' ? 'less' : 'greater';
  const regression = mannWhitneyU(cand, base, { alternative: worse, exactLimit });
  const improvement = mannWhitneyU(cand, base, { alternative: better, exactLimit });
  const baseMedian = median(base);
  const candMedian = median(cand);
  const change = (candMedian - baseMedian) / baseMedian;
  const facts = {
    effect: direction === 'lower-is-better' ? change : -change,
    pRegression: regression.p,
    pImprovement: improvement.p,
    rawPRegression: regression.p,
    rawPImprovement: improvement.p,
    adjusted: 'none' as const,
    minDetectableEffect: minimumDetectableEffect(base, cand, { alpha, exactLimit }),
    minAchievableP: minExactPValue(base.length, cand.length),
    method: regression.method,
    n1: base.length,
    n2: cand.length,
    baseMedian,
    candMedian,
    direction,
    minEffect,
    alpha,
  };
  return { ...decide(facts), ...facts };
}

// Re-decide a family of comparisons with Holm-adjusted p-values: all regression p-values form
// one family and all improvement p-values another, each controlled family-wise at its alpha.
// (Pooling both directions would double every multiplier although at most one of a comparison's
// two one-sided p-values can be small.) MDEs stay per comparison, at the unadjusted alpha.
export function decideVerdicts(comparisons: readonly Comparison[]): Comparison[] {
  const regression = holmAdjust(comparisons.map((c) => c.rawPRegression));
  const improvement = holmAdjust(comparisons.map((c) => c.rawPImprovement));
  return comparisons.map((c, i) => {
    const facts = { ...c, pRegression: regression[i]!, pImprovement: improvement[i]!, adjusted: 'holm' as const };
    return { ...facts, ...decide(facts) };
  });
}
