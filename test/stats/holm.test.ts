import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../harness/stats/holm.ts';

describe('holmAdjust', () => {
  it('steps down and returns adjusted p-values in the original order', () => {
    // Sorted: 0.005·5 = 0.025, 0.01·4 = 0.04, 0.03·3 = 0.09, 0.04·2 = 0.08 → 0.09 (monotone), 0.2·1.
    // Same as R's p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.20), "holm").
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005, 0.2]);
    [0.04, 0.09, 0.09, 0.025, 0.2].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 12));
  });

  it('enforces monotonicity and caps at 1', () => {
    // R: p.adjust(c(0.04, 0.01, 0.03, 0.02), "holm") = 0.06 0.04 0.06 0.06.
    const adjusted = holmAdjust([0.04, 0.01, 0.03, 0.02]);
    [0.06, 0.04, 0.06, 0.06].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 12));
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
  });

  it('leaves a single p-value alone and handles an empty family', () => {
    expect(holmAdjust([0.03])).toEqual([0.03]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('rejects values outside [0, 1]', () => {
    expect(() => holmAdjust([0.1, Number.NaN])).toThrow(/index 1/);
  });
});
