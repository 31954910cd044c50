import { median, probit } from 'simple-statistics';
import { assertPositiveSample } from './check-sample.ts';
import { exactUDistribution } from './mann-whitney.ts';
import { normalUpperTail } from './normal.ts';

// Smallest k with P(U >= k) <= alpha under the null without ties (exact up to n1 + n2 <= exactLimit,
// normal approximation with continuity correction beyond); null when even U = n1·n2 is not enough.
export function requiredU(n1: number, n2: number, alpha: number, exactLimit = 50): number | null {
  const top = n1 * n2;
  let upperTail: (u: number) => number;
  if (n1 + n2 <= exactLimit) {
    const dist = exactUDistribution(n1, n2);
    const tails = new Array<number>(top + 2).fill(0);
    for (let u = top; u >= 0; u--) tails[u] = tails[u + 1]! + dist[u]!;
    upperTail = (u) => tails[u]!;
  } else {
    const sigma = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
    upperTail = (u) => normalUpperTail((u - top / 2 - 0.5) / sigma);
    // Start next to the answer (the normal quantile) instead of walking down from n1·n2: at
    // 12,000 values per side that walk would take 10⁸ steps.
    if (alpha > 0 && alpha < 1) {
      let k = Math.min(top, Math.max(0, Math.ceil(top / 2 + 0.5 + probit(1 - alpha) * sigma)));
      while (k > 0 && upperTail(k - 1) <= alpha * (1 + 1e-12)) k--;
      while (k <= top && upperTail(k) > alpha * (1 + 1e-12)) k++;
      return k <= top ? k : null;
    }
  }
  let k: number | null = null;
  for (let u = top; u >= 0 && upperTail(u) <= alpha * (1 + 1e-12); u--) k = u;
  return k;
}

export interface DetectableEffectOptions {
  /** @default 0.05 */
  alpha?: number;
  /** @default 50 */
  exactLimit?: number;
}

// Minimum detectable effect (MDE) at the observed spread: scale each sample by its own median
// (removing any real shift), then find the smallest relative shift δ of the candidate that makes the
// one-sided exact test significant, i.e. that puts at least requiredU(n1, n2, alpha) of the
// n1·n2 (base, candidate) pairs on the shifted side. Pair (b, c) flips up when c·(1 + δ) > b, so δ
// is the k-th smallest of b/c − 1; flipping down (c·(1 − δ) < b) gives the k-th smallest of 1 − b/c.
// The MDE is the larger of the two, so it bounds both a regression and an improvement, in the units
// of `effect` in verdict.ts. For n1 = n2 = 3 (k = 9) that is complete separation:
// max(b)/min(c) − 1. Returns null when no shift can be detected at these sample sizes.
export function minimumDetectableEffect(
  base: readonly number[],
  cand: readonly number[],
  options: DetectableEffectOptions = {},
): number | null {
  assertPositiveSample(base, 'minimumDetectableEffect base');
  assertPositiveSample(cand, 'minimumDetectableEffect candidate');
  const { alpha = 0.05, exactLimit = 50 } = options;
  const k = requiredU(base.length, cand.length, alpha, exactLimit);
  if (k === null) return null;
  const baseMedian = median(base);
  const candMedian = median(cand);
  if (base.length * cand.length > PAIRS_IN_MEMORY) {
    const b = base.map((x) => x / baseMedian).sort((x, y) => x - y);
    const c = cand.map((x) => x / candMedian).sort((x, y) => x - y);
    const total = b.length * c.length;
    return Math.max(0, kthRatio(b, c, k) - 1, 1 - kthRatio(b, c, total - k + 1));
  }
  const ratios: number[] = [];
  for (const b of base) for (const c of cand) ratios.push(b / baseMedian / (c / candMedian));
  const up = ratios.map((r) => r - 1).sort((a, b) => a - b);
  const down = ratios.map((r) => 1 - r).sort((a, b) => a - b);
  return Math.max(0, up[k - 1]!, down[k - 1]!);
}

/** Above this many (base, candidate) pairs the ratios are not listed but selected (kthRatio). */
const PAIRS_IN_MEMORY = 1_000_000;

// The k-th smallest (1-based) of b[i]/c[j] over all pairs, for sorted positive b and c, without
// listing the n1·n2 ratios: bisect on the value, counting the pairs at or below it in O(n1 + n2).
export function kthRatio(b: readonly number[], c: readonly number[], k: number): number {
  const countAtMost = (t: number): number => {
    // b[i]/c[j] <= t ⇔ c[j] >= b[i]/t; as b[i] grows, the first such j moves right.
    let count = 0;
    let j = 0;
    for (const x of b) {
      while (j < c.length && c[j]! < x / t) j++;
      count += c.length - j;
    }
    return count;
  };
  let lo = b[0]! / c[c.length - 1]!;
  let hi = b[b.length - 1]! / c[0]!;
  if (countAtMost(lo) >= k) return lo;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = lo + (hi - lo) / 2;
    if (countAtMost(mid) >= k) hi = mid;
    else lo = mid;
  }
  return hi;
}
