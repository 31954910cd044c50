import { describe, expect, it } from 'vitest';
import {
  checkSample,
  checkTestSizes,
  medianIntervalCoverage,
  minRepetitionsForMedianInterval,
} from '../../harness/stats/warnings.ts';

describe('checkSample', () => {
  it('says nothing about a tight sample of 6', () => {
    expect(checkSample([100, 101, 99, 100.5, 99.5, 100])).toEqual([]);
  });

  it('warns about high variation above the cv threshold', () => {
    const warnings = checkSample([80, 100, 120, 90, 110, 100], { label: 'kv/perf/rps' });
    expect(warnings.map((w) => w.kind)).toEqual(['high-variation']);
    expect(warnings[0]!.message).toMatch(/^kv\/perf\/rps: high variation, coefficient of variation 14\.1 % > 10\.0 %/);
    expect(checkSample([80, 100, 120, 90, 110, 100], { cvThreshold: 0.2 })).toEqual([]);
  });

  it('explains why n = 5 cannot give a 95 % distribution-free interval for the median', () => {
    const [warning] = checkSample([100, 101, 99, 100, 100.5]);
    expect(warning).toMatchObject({ kind: 'too-few-repetitions', n: 5, achievable: 0.9375, needed: 6 });
    expect(warning!.message).toMatch(/\[min, max\].*93\.8 %.*needs n >= 6/);
    expect(checkSample([100, 101, 99, 100, 100.5], { confidence: 0.9 })).toEqual([]);
  });

  it('reports outliers with their indices and values', () => {
    const warnings = checkSample([100, 101, 99, 102, 98, 100, 150], { cvThreshold: 1 });
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'outliers', indices: [6], values: [150] }),
    ]);
  });
});

describe('distribution-free interval sizes', () => {
  it('computes the coverage of [min, max] and the n a level needs', () => {
    expect(medianIntervalCoverage(5)).toBe(0.9375);
    expect(medianIntervalCoverage(6)).toBe(0.96875);
    expect(minRepetitionsForMedianInterval(0.95)).toBe(6);
    expect(minRepetitionsForMedianInterval(0.99)).toBe(8);
  });
});

describe('checkTestSizes', () => {
  it('warns when no outcome can reach alpha', () => {
    expect(checkTestSizes(2, 2)).toMatchObject({ kind: 'too-few-for-test', n1: 2, n2: 2, minP: 1 / 6 });
    expect(checkTestSizes(2, 2)!.message).toMatch(/1\/C\(4, 2\) = 0\.167/);
    expect(checkTestSizes(3, 3)).toBeNull();
    expect(checkTestSizes(3, 3, 0.01)).not.toBeNull();
  });
});
