import { assertFiniteSample } from './check-sample.ts';
import { normalUpperTail } from './normal.ts';

/** 'greater': x tends to be larger than y; 'less': x tends to be smaller. */
export type Alternative = 'less' | 'greater';
/** 'exact': permutation distribution of U without ties; 'exact-midranks': the same over the observed
 * midranks (exact conditional on the ties); 'normal': approximation with tie and continuity correction. */
export type MannWhitneyMethod = 'exact' | 'exact-midranks' | 'normal';

export interface MannWhitneyOptions {
  alternative: Alternative;
  /** Largest n1 + n2 for which the exact permutation distribution is computed. @default 50 */
  exactLimit?: number;
}

export interface MannWhitneyResult {
  /** U of x: pairs with x > y plus half of the tied pairs (R's W). Ranges over 0..n1·n2. */
  u: number;
  n1: number;
  n2: number;
  alternative: Alternative;
  p: number;
  method: MannWhitneyMethod;
  ties: boolean;
}

// Counts of subsets of size k by sum of their ranks (an integer-valued rank per item), by DP:
// adding items one at a time, count[j][s] += count[j−1][s − rank]. O(N · k · Σrank).
export function countRankSums(ranks: readonly number[], k: number): Float64Array {
  const total = ranks.reduce((a, b) => a + b, 0);
  const table = Array.from({ length: k + 1 }, () => new Float64Array(total + 1));
  table[0]![0] = 1;
  let partial = 0;
  ranks.forEach((r, i) => {
    partial += r;
    for (let j = Math.min(k, i + 1); j >= 1; j--) {
      const from = table[j - 1]!;
      const to = table[j]!;
      for (let s = partial; s >= r; s--) to[s]! += from[s - r]!;
    }
  });
  return table[k]!;
}

// Null distribution of U without ties: element u is P(U = u), u = 0..n1·n2.
export function exactUDistribution(n1: number, n2: number): number[] {
  const ranks = Array.from({ length: n1 + n2 }, (_, i) => i + 1);
  const counts = countRankSums(ranks, n1).slice((n1 * (n1 + 1)) / 2);
  const total = counts.reduce((a, b) => a + b, 0);
  return Array.from(counts.slice(0, n1 * n2 + 1), (c) => c / total);
}

// Smallest one-sided p-value the exact test can reach at these sizes: 1 / C(n1 + n2, n1).
export function minExactPValue(n1: number, n2: number): number {
  let p = 1;
  for (let i = 1; i <= n1; i++) p *= i / (n2 + i);
  return p;
}

// Lower-tail critical value: the largest u with P(U <= u) <= alpha, or null when none exists.
export function criticalU(n1: number, n2: number, alpha: number): number | null {
  let cumulative = 0;
  let critical: number | null = null;
  for (const [u, p] of exactUDistribution(n1, n2).entries()) {
    cumulative += p;
    if (cumulative > alpha * (1 + 1e-12)) break;
    critical = u;
  }
  return critical;
}

// Doubled midranks of the pooled sample (integers: a tie over positions a..b gets a + b).
function doubledMidranks(pooled: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = pooled.map((_, i) => i).sort((a, b) => pooled[a]! - pooled[b]!);
  const ranks = new Array<number>(pooled.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && pooled[order[end + 1]!] === pooled[order[start]!]) end++;
    for (let i = start; i <= end; i++) ranks[order[i]!] = start + 1 + (end + 1);
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}

// One-sided Mann–Whitney U test of x against y, exact when n1 + n2 <= exactLimit.
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: MannWhitneyOptions): MannWhitneyResult {
  assertFiniteSample(x, 'mannWhitneyU x');
  assertFiniteSample(y, 'mannWhitneyU y');
  const { alternative, exactLimit = 50 } = options;
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const { ranks, tieSizes } = doubledMidranks([...x, ...y]);
  const ties = tieSizes.some((t) => t > 1);
  const rankSum2 = ranks.slice(0, n1).reduce((a, b) => a + b, 0);
  const u = rankSum2 / 2 - (n1 * (n1 + 1)) / 2;
  const base = { u, n1, n2, alternative, ties };
  if (n <= exactLimit) {
    const counts = countRankSums(ranks, n1);
    let total = 0;
    let tail = 0;
    counts.forEach((c, s) => {
      total += c;
      if (alternative === 'greater' ? s >= rankSum2 : s <= rankSum2) tail += c;
    });
    return { ...base, p: Math.min(1, tail / total), method: ties ? 'exact-midranks' : 'exact' };
  }
  const tieTerm = tieSizes.reduce((a, t) => a + t ** 3 - t, 0) / (n * (n - 1));
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm));
  const mu = (n1 * n2) / 2;
  // Continuity correction toward the null, as R's wilcox.test(correct = TRUE).
  const z = alternative === 'greater' ? (u - mu - 0.5) / sigma : (u - mu + 0.5) / sigma;
  const p = sigma === 0 ? 1 : alternative === 'greater' ? normalUpperTail(z) : normalUpperTail(-z);
  return { ...base, p, method: 'normal' };
}
