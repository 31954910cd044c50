import { describe, expect, it } from 'vitest';
import { findOutliers, modifiedZScores } from '../../harness/stats/outliers.ts';

describe('findOutliers', () => {
  it('flags values with modified z-score above 3.5', () => {
    // median 100, |deviations| 0 1 1 2 2 0 50 → MAD 1; z(150) = 0.6745·50 = 33.7, z(102) = 1.35.
    const xs = [100, 101, 99, 102, 98, 150, 100];
    expect(modifiedZScores(xs)[5]).toBeCloseTo(0.6745 * 50, 10);
    expect(modifiedZScores(xs)[3]).toBeCloseTo(0.6745 * 2, 10);
    expect(findOutliers(xs)).toEqual([5]);
  });

  it('flags both tails and honours the threshold', () => {
    const xs = [10, 10.2, 9.9, 10.1, 9.8, 10.0, 2, 30];
    expect(findOutliers(xs)).toEqual([6, 7]);
    // median 100.5, MAD 1.5: z(98) = −1.12, z(104) = 1.57, the rest ≤ 0.67.
    expect(findOutliers([100, 101, 99, 102, 98, 104], { threshold: 1 })).toEqual([4, 5]);
    expect(findOutliers([100, 101, 99, 102, 98, 104])).toEqual([]);
  });

  it('keeps working when MAD is 0 (mean absolute deviation fallback)', () => {
    expect(findOutliers([5, 5, 5, 5, 5, 9])).toEqual([5]);
    expect(findOutliers([5, 5, 5, 5])).toEqual([]);
  });
});
