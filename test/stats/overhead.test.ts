import { describe, expect, it } from 'vitest';
import { costRatio, estimateOverhead, pairByRepetition } from '../../harness/stats/overhead.ts';

describe('estimateOverhead', () => {
  it('reads a throughput drop 1000 → 900 as 11.1 % overhead (baseline/mode)', () => {
    const pairs = [1, 2, 3].map(() => ({ baseline: 1000, mode: 900 }));
    const r = estimateOverhead(pairs, { direction: 'higher-is-better' });
    expect(r.ratio).toBeCloseTo(1000 / 900, 12);
    expect(r.percent).toBeCloseTo(11.111, 3);
    expect(r.interval?.low).toBeCloseTo(11.111, 3);
    expect(r.interval?.high).toBeCloseTo(11.111, 3);
  });

  it('reads a latency rise 10 → 12 ms as 20 % overhead (mode/baseline)', () => {
    const r = estimateOverhead([{ baseline: 10, mode: 12 }], { direction: 'lower-is-better' });
    expect(r.percent).toBeCloseTo(20, 10);
    expect(r.interval).toBeNull();
    expect(r.reason).toMatch(/n >= 2/);
  });

  it('pairs within blocks, so drift shared by a block cancels out', () => {
    // Each block runs 5 % slower than the one before, for both modes; the mode costs 10 % in every block.
    const pairs = [0, 1, 2, 3, 4].map((r) => ({ baseline: 1000 * 0.95 ** r, mode: (1000 * 0.95 ** r) / 1.1 }));
    const r = estimateOverhead(pairs, { direction: 'higher-is-better', seed: 5 });
    expect(r.percent).toBeCloseTo(10, 10);
    expect(r.interval?.low).toBeCloseTo(10, 10);
    expect(r.interval?.high).toBeCloseTo(10, 10);
  });

  it('is the geometric mean of the block ratios, with a seeded interval around it', () => {
    const pairs = [
      { baseline: 100, mode: 110 },
      { baseline: 100, mode: 121 },
      { baseline: 100, mode: 100 },
      { baseline: 100, mode: 105 },
    ];
    const r = estimateOverhead(pairs, { direction: 'lower-is-better', seed: 9 });
    expect(r.ratio).toBeCloseTo((1.1 * 1.21 * 1.0 * 1.05) ** 0.25, 12);
    expect(r.interval!.low).toBeLessThanOrEqual(r.percent);
    expect(r.interval!.high).toBeGreaterThanOrEqual(r.percent);
    expect(estimateOverhead(pairs, { direction: 'lower-is-better', seed: 9 })).toEqual(r);
  });

  it('rejects non-positive values, naming the block', () => {
    expect(() => estimateOverhead([{ baseline: 1, mode: 1 }, { baseline: 1, mode: 0 }], { direction: 'lower-is-better' }))
      .toThrow(/block 1/);
    expect(() => estimateOverhead([], { direction: 'lower-is-better' })).toThrow(/at least one/);
  });

  it('costRatio is > 1 when the mode is worse in either direction', () => {
    expect(costRatio({ baseline: 1000, mode: 800 }, 'higher-is-better')).toBe(1.25);
    expect(costRatio({ baseline: 2, mode: 3 }, 'lower-is-better')).toBe(1.5);
  });
});

describe('pairByRepetition', () => {
  it('pairs by repetition index and reports blocks missing a side', () => {
    const r = pairByRepetition(
      [{ repetition: 2, value: 20 }, { repetition: 0, value: 10 }, { repetition: 3, value: 30 }],
      [{ repetition: 0, value: 11 }, { repetition: 1, value: 15 }, { repetition: 2, value: 22 }],
    );
    expect(r.pairs).toEqual([{ baseline: 10, mode: 11 }, { baseline: 20, mode: 22 }]);
    expect(r.repetitions).toEqual([0, 2]);
    expect(r.unpaired).toEqual([1, 3]);
  });

  it('rejects a repetition measured twice', () => {
    expect(() => pairByRepetition([{ repetition: 0, value: 1 }, { repetition: 0, value: 2 }], [])).toThrow(/twice/);
  });
});
