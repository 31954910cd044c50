import { median } from 'simple-statistics';
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
  const ratios: number[] = [];
  for (const b of base) for (const c of cand) ratios.push(b / baseMedian / (c / candMedian));
  const up = ratios.map((r) => r - 1).sort((a, b) => a - b);
  const down = ratios.map((r) => 1 - r).sort((a, b) => a - b);
  return Math.max(0, up[k - 1]!, down[k - 1]!);
}
