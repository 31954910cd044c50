import { describe, expect, it } from 'vitest';
import {
  countRankSums,
  criticalU,
  exactUDistribution,
  mannWhitneyU,
  minExactPValue,
} from '../../harness/stats/mann-whitney.ts';

// All k-subsets of 0..n−1, for brute-force permutation distributions.
function* subsets(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (let i = start; i <= n - (k - prefix.length); i++) yield* subsets(n, k, i + 1, [...prefix, i]);
}

// Permutation p-value of U by enumerating every split of the pooled sample (ties count half).
function bruteForceP(x: number[], y: number[], alternative: 'less' | 'greater'): number {
  const pooled = [...x, ...y];
  const uOf = (xi: number[], yi: number[]): number =>
    xi.reduce((s, a) => s + yi.reduce((t, b) => t + (a > b ? 1 : a === b ? 0.5 : 0), 0), 0);
  const observed = uOf(x, y);
  let hits = 0;
  let total = 0;
  for (const idx of subsets(pooled.length, x.length)) {
    const chosen = new Set(idx);
    const u = uOf(idx.map((i) => pooled[i]!), pooled.filter((_, i) => !chosen.has(i)));
    total++;
    if (alternative === 'greater' ? u >= observed - 1e-9 : u <= observed + 1e-9) hits++;
  }
  return hits / total;
}

describe('exact null distribution', () => {
  it('matches published one-sided critical values (largest u with P(U <= u) <= alpha)', () => {
    expect(criticalU(5, 5, 0.05)).toBe(4);
    expect(criticalU(8, 8, 0.05)).toBe(15);
    expect(criticalU(10, 10, 0.05)).toBe(27);
    expect(criticalU(8, 8, 0.025)).toBe(13);
    expect(criticalU(10, 10, 0.025)).toBe(23);
    expect(criticalU(20, 20, 0.05)).toBe(138);
    expect(criticalU(3, 4, 0.05)).toBe(0);
    expect(criticalU(2, 2, 0.05)).toBeNull();
  });

  it('knows the smallest achievable one-sided p-values', () => {
    expect(minExactPValue(3, 3)).toBeCloseTo(1 / 20, 15);
    expect(minExactPValue(4, 4)).toBeCloseTo(1 / 70, 15);
    expect(minExactPValue(5, 5)).toBeCloseTo(1 / 252, 15);
    expect(exactUDistribution(4, 4)[0]).toBeCloseTo(1 / 70, 15);
  });

  it('is a symmetric probability distribution with P(U <= 4) = 12/252 for n1 = n2 = 5', () => {
    const dist = exactUDistribution(5, 5);
    expect(dist).toHaveLength(26);
    expect(dist.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    dist.forEach((p, u) => expect(p).toBeCloseTo(dist[25 - u]!, 15));
    expect(dist.slice(0, 5).reduce((a, b) => a + b, 0)).toBeCloseTo(12 / 252, 15);
  });

  it('counts subsets by rank sum', () => {
    // Subsets of size 2 of {1,2,3}: sums 3, 4, 5.
    expect(Array.from(countRankSums([1, 2, 3], 2))).toEqual([0, 0, 0, 1, 1, 1, 0]);
  });
});

describe('mannWhitneyU', () => {
  it("matches R's exact wilcox.test without ties (W = 35, p = 0.1272)", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const greater = mannWhitneyU(x, y, { alternative: 'greater' });
    expect(greater).toMatchObject({ u: 35, n1: 10, n2: 5, method: 'exact', ties: false });
    expect(greater.p).toBeCloseTo(0.1272061272, 9);
    expect(mannWhitneyU(x, y, { alternative: 'less' }).p).toBeCloseTo(0.8967698968, 9);
    // R, exact = FALSE (continuity correction): 0.1223118026.
    expect(mannWhitneyU(x, y, { alternative: 'greater', exactLimit: 0 }).p).toBeCloseTo(0.1223118, 6);
  });

  it('gives the exact midrank permutation p-value with ties (W = 58)', () => {
    // Tied pair values in y (1.06, 1.29). 0.01953 in R's docs for these data is the *paired* signed-rank
    // test; the two-sample values below were checked against R by enumerating all C(18, 9) splits
    // (0.06495269436, 0.9407445496), and wilcox.test(exact = FALSE) gives 0.06645972909.
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const greater = mannWhitneyU(x, y, { alternative: 'greater' });
    expect(greater).toMatchObject({ u: 58, method: 'exact-midranks', ties: true });
    expect(greater.p).toBeCloseTo(0.06495269436, 10);
    expect(greater.p).toBeCloseTo(bruteForceP(x, y, 'greater'), 12);
    expect(mannWhitneyU(x, y, { alternative: 'less' }).p).toBeCloseTo(0.9407445496, 10);
    expect(mannWhitneyU(x, y, { alternative: 'greater', exactLimit: 17 }).p).toBeCloseTo(0.0664597291, 6);
  });

  it('agrees with brute-force enumeration on small samples with cross-group ties', () => {
    const cases: Array<[number[], number[]]> = [
      [[1, 2, 2, 3], [2, 3, 3, 4, 5]],
      [[5, 5, 5], [5, 6, 4]],
      [[1.5, 2.5, 3.5, 2.5, 1], [2.5, 0.5, 1, 4]],
    ];
    for (const [x, y] of cases) {
      for (const alternative of ['less', 'greater'] as const) {
        expect(mannWhitneyU(x, y, { alternative }).p).toBeCloseTo(bruteForceP(x, y, alternative), 12);
      }
    }
  });

  it('reaches the smallest p only at complete separation', () => {
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3], { alternative: 'greater' })).toMatchObject({ u: 9, p: 0.05 });
    expect(mannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8], { alternative: 'less' }).p).toBeCloseTo(1 / 70, 15);
    expect(mannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8], { alternative: 'greater' }).p).toBe(1);
  });

  it("matches R's exact p-value for n1 + n2 = 55 when allowed", () => {
    const u = Array.from({ length: 30 }, (_, i) => (i + 1) / 7 + 0.001);
    const v = Array.from({ length: 25 }, (_, i) => (i + 1) / 6 + 0.37);
    expect(mannWhitneyU(u, v, { alternative: 'less' }).method).toBe('normal');
    const exact = mannWhitneyU(u, v, { alternative: 'less', exactLimit: 60 });
    expect(exact).toMatchObject({ u: 320, method: 'exact' });
    expect(exact.p).toBeCloseTo(0.179923298248, 10);
  });

  it("uses the normal approximation with tie and continuity correction for large tied samples, as R", () => {
    const a = [...[1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5], 2.5];
    const b = [...[2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7], 3];
    const less = mannWhitneyU(a, b, { alternative: 'less' });
    expect(less).toMatchObject({ u: 260, method: 'normal', ties: true });
    // R: wilcox.test(a, b, alternative = "less", exact = FALSE, correct = TRUE).
    expect(less.p).toBeCloseTo(0.0008508506, 8);
    expect(mannWhitneyU(a, b, { alternative: 'greater' }).p).toBeCloseTo(0.999189637, 7);
  });

  it('rejects empty samples', () => {
    expect(() => mannWhitneyU([], [1], { alternative: 'less' })).toThrow(/x/);
  });
});
