// Mann–Whitney and the minimum detectable effect at any sample size (issue 17: 12,000 values per
// side used to die listing 1.44·10⁸ pairs). The fast paths must agree with the direct ones.
import { describe, expect, it } from 'vitest';
import { kthRatio, minimumDetectableEffect, requiredU } from '../../harness/stats/detectable-effect.ts';
import { normalUpperTail } from '../../harness/stats/normal.ts';
import { compareSamples } from '../../harness/stats/verdict.ts';

// The direct search requiredU used before: walk down from n1·n2.
function requiredUByWalk(n1: number, n2: number, alpha: number): number | null {
  const top = n1 * n2;
  const sigma = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  let k: number | null = null;
  for (let u = top; u >= 0 && normalUpperTail((u - top / 2 - 0.5) / sigma) <= alpha * (1 + 1e-12); u--) k = u;
  return k;
}

const sample = (n: number, seed: number, scale = 1): number[] => Array.from({ length: n }, (_, i) => scale * (100 + ((i * 7919 + seed * 104729) % 1009) / 10));

describe('requiredU beyond the exact limit', () => {
  it.each([
    [26, 26, 0.05],
    [40, 31, 0.01],
    [120, 80, 0.05],
    [300, 300, 0.001],
  ])('n1 = %i, n2 = %i, alpha = %f: the quantile start finds the same critical U as the walk', (n1, n2, alpha) => {
    expect(requiredU(n1, n2, alpha)).toBe(requiredUByWalk(n1, n2, alpha));
  });
});

describe('kthRatio', () => {
  it('is the k-th smallest of all b/c over the pairs, without listing them', () => {
    const b = sample(37, 1).sort((x, y) => x - y);
    const c = sample(23, 2).sort((x, y) => x - y);
    const all = b.flatMap((x) => c.map((y) => x / y)).sort((x, y) => x - y);
    for (const k of [1, 2, 100, 425, 850, all.length - 1, all.length]) expect(kthRatio(b, c, k)).toBeCloseTo(all[k - 1]!, 12);
  });
});

describe('compareSamples at 12,000 values per side', () => {
  it('gives a verdict with the normal approximation and a minimum detectable effect', () => {
    const base = sample(12_000, 3);
    const cand = sample(12_000, 4, 1.1);
    const c = compareSamples(base, cand, { direction: 'lower-is-better' });
    expect(c.method).toBe('normal');
    expect(c.verdict).toBe('regressed');
    expect(c.minDetectableEffect).not.toBeNull();
    expect(c.minDetectableEffect!).toBeGreaterThan(0);
    expect(c.minDetectableEffect!).toBeLessThan(0.05);
  });

  it('the selection path agrees with listing the pairs just above the listing limit', () => {
    // 1001 × 1000 pairs: selected; the same samples minus one value: listed. Both close.
    const base = sample(1001, 5);
    const cand = sample(1000, 6);
    const selected = minimumDetectableEffect(base, cand)!;
    const listed = minimumDetectableEffect(base.slice(0, 1000), cand)!;
    expect(selected).toBeGreaterThan(0);
    expect(Math.abs(selected - listed)).toBeLessThan(0.002);
  });
});
