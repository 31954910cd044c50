import { describe, expect, it } from 'vitest';
import { describeSample } from '../../harness/stats/describe.ts';

describe('describeSample', () => {
  it('summarizes a sample with the n − 1 standard deviation and the raw MAD', () => {
    const s = describeSample([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ n: 8, mean: 5, median: 4.5, min: 2, max: 9 });
    // Σ(x − 5)² = 32, 32 / 7.
    expect(s.stdev).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    // |x − 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 → median 0.5.
    expect(s.mad).toBe(0.5);
  });

  it('leaves stdev and cv undefined (NaN) for a single value', () => {
    const s = describeSample([42]);
    expect(s).toMatchObject({ n: 1, mean: 42, median: 42, min: 42, max: 42, mad: 0 });
    expect(s.stdev).toBeNaN();
    expect(s.cv).toBeNaN();
  });

  it('rejects an empty or non-finite sample', () => {
    expect(() => describeSample([])).toThrow(/at least 1/);
    expect(() => describeSample([1, Number.NaN])).toThrow(/index 1/);
  });
});
