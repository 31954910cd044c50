import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../harness/stats/bootstrap.ts';
import { seededNormal } from './seeded-normal.ts';

const sample = [12.1, 11.8, 12.6, 13.0, 11.5, 12.2, 12.9, 12.4];

describe('bootstrapInterval', () => {
  it('is deterministic for a seed and changes with it', () => {
    const a = bootstrapInterval(sample, { seed: 7 });
    expect(bootstrapInterval(sample, { seed: 7 })).toEqual(a);
    expect(a).toMatchObject({ method: 'percentile-bootstrap', resamples: 2000, seed: 7, confidence: 0.95 });
    const b = bootstrapInterval(sample, { seed: 8, statistic: 'mean' });
    expect(b).not.toEqual(bootstrapInterval(sample, { seed: 7, statistic: 'mean' }));
  });

  it('brackets the estimate within the sample range', () => {
    for (const statistic of ['median', 'mean'] as const) {
      const r = bootstrapInterval(sample, { statistic, seed: 3 });
      if (r.low === null) throw new Error(r.reason);
      expect(r.low).toBeLessThanOrEqual(r.estimate);
      expect(r.high).toBeGreaterThanOrEqual(r.estimate);
      expect(r.low).toBeGreaterThanOrEqual(Math.min(...sample));
      expect(r.high).toBeLessThanOrEqual(Math.max(...sample));
    }
  });

  it('accepts a custom statistic', () => {
    const r = bootstrapInterval(sample, { statistic: (xs) => Math.max(...xs), seed: 1 });
    expect(r.estimate).toBe(13.0);
    expect(r.high).toBe(13.0);
  });

  it('returns a null interval with a reason for n < 2', () => {
    const r = bootstrapInterval([5]);
    expect(r).toMatchObject({ low: null, high: null, estimate: 5 });
    expect(r.reason).toMatch(/n >= 2/);
  });

  it('rejects bad options', () => {
    expect(() => bootstrapInterval(sample, { confidence: 1 })).toThrow(/confidence/);
    expect(() => bootstrapInterval(sample, { resamples: 0 })).toThrow(/resamples/);
  });

  it('covers the true mean of normal data about 95 % of the time at n = 20', () => {
    const draw = seededNormal(2024);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 20 }, () => 10 + draw());
      const r = bootstrapInterval(xs, { statistic: 'mean', seed: t, resamples: 1000 });
      if (r.low !== null && r.low <= 10 && 10 <= r.high) covered++;
    }
    // Percentile intervals under-cover a little at n = 20 (≈ 0.93); binomial noise at 200 trials ≈ ±0.035.
    expect(covered / trials).toBeGreaterThan(0.86);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
