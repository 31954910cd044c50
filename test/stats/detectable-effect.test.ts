import { median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, requiredU } from '../../harness/stats/detectable-effect.ts';
import { mannWhitneyU } from '../../harness/stats/mann-whitney.ts';

describe('requiredU', () => {
  it('is the upper critical count of worse pairs', () => {
    expect(requiredU(3, 3, 0.05)).toBe(9); // complete separation only
    expect(requiredU(5, 5, 0.05)).toBe(21); // 25 − 4, mirror of the lower critical value
    expect(requiredU(10, 10, 0.05)).toBe(73); // 100 − 27
    expect(requiredU(2, 2, 0.05)).toBeNull();
  });

  it('uses the normal approximation above the exact limit', () => {
    expect(requiredU(10, 10, 0.05, 10)).toBeGreaterThanOrEqual(72);
    expect(requiredU(10, 10, 0.05, 10)).toBeLessThanOrEqual(74);
  });
});

describe('minimumDetectableEffect', () => {
  it('needs complete separation at n1 = n2 = 3: max(base)/min(cand) after scaling by medians', () => {
    const base = [100, 110, 90];
    const cand = [200, 190, 210];
    // Scaled: base 1, 1.1, 0.9; cand 1, 0.95, 1.05 → up: 1.1/0.95 − 1 = 15.8 %, down: 1 − 0.9/1.05 = 14.3 %.
    expect(minimumDetectableEffect(base, cand)).toBeCloseTo(1.1 / 0.95 - 1, 12);
  });

  it('is null when the sizes cannot reach alpha and 0 for noise-free data', () => {
    expect(minimumDetectableEffect([1, 2], [1, 2])).toBeNull();
    expect(minimumDetectableEffect([5, 5, 5, 5], [7, 7, 7, 7])).toBe(0);
  });

  it('is the shift at which the exact test turns significant at the observed spread', () => {
    const base = [100, 103, 98, 101, 97, 102];
    const cand = [99, 102, 100, 96, 104, 101];
    const mde = minimumDetectableEffect(base, cand)!;
    const shifted = (factor: number): number[] => cand.map((c) => (c / median(cand)) * median(base) * factor);
    const pUp = (d: number): number => mannWhitneyU(shifted(1 + d), base, { alternative: 'greater' }).p;
    const pDown = (d: number): number => mannWhitneyU(shifted(1 - d), base, { alternative: 'less' }).p;
    expect(pUp(mde + 1e-9)).toBeLessThanOrEqual(0.05);
    expect(pDown(mde + 1e-9)).toBeLessThanOrEqual(0.05);
    expect(Math.max(pUp(mde - 1e-9), pDown(mde - 1e-9))).toBeGreaterThan(0.05);
  });

  it('shrinks with more repetitions at the same spread', () => {
    const noise = [0.98, 1.01, 1.0, 0.99, 1.02, 1.005, 0.995, 1.015, 0.985, 1.0];
    const at = (n: number): number => minimumDetectableEffect(noise.slice(0, n), noise.slice(0, n).reverse())!;
    expect(at(10)).toBeLessThan(at(5));
    expect(at(5)).toBeLessThan(at(3));
  });
});
