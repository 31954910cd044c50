import { describe, expect, it } from 'vitest';
import { quantileRanks } from '../../harness/stats/order-statistic.ts';

describe('quantileRanks', () => {
  it('gives the textbook ranks for the median of 100 samples', () => {
    // Conover, Practical Nonparametric Statistics: [X(40), X(61)] at 95 % for n = 100, coverage 0.9648.
    const r = quantileRanks(100, 0.5, 0.95);
    expect(r).toMatchObject({ low: 40, high: 61 });
    expect(r.coverage).toBeCloseTo(0.9648, 3);
  });

  it('covers at least the confidence asked, with the tightest ranks', () => {
    for (const [n, q] of [[1000, 0.99], [20_000, 0.999], [5_000_000, 0.99]] as const) {
      const r = quantileRanks(n, q);
      expect(r.low).not.toBeNull();
      expect(r.high).not.toBeNull();
      expect(r.coverage).toBeGreaterThanOrEqual(0.95);
      expect(r.low!).toBeLessThan(n * q);
      expect(r.high!).toBeGreaterThan(n * q);
      // One rank narrower on either side drops below 95 %.
      expect(quantileRanks(n, q, 0.9).coverage).toBeLessThan(0.95);
    }
  });

  it('normal approximation agrees for large n', () => {
    const n = 1_000_000;
    const q = 0.99;
    const sd = Math.sqrt(n * q * (1 - q));
    const r = quantileRanks(n, q);
    expect(Math.abs(r.low! - (n * q - 1.96 * sd))).toBeLessThan(3);
    expect(Math.abs(r.high! - (n * q + 1.96 * sd))).toBeLessThan(3);
  });

  it('has no upper bound for p99.9 from 500 samples, and nothing from no samples', () => {
    expect(quantileRanks(500, 0.999).high).toBeNull();
    expect(quantileRanks(0, 0.5)).toEqual({ low: null, high: null, coverage: 0 });
  });
});
