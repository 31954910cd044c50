import { describe, expect, it } from 'vitest';
import { decideChange, decideOverhead, formatPercentInterval, halfWidth, percentInterval } from '../../harness/stats/margin-verdict.ts';

describe('margin verdicts', () => {
  it('overhead: costs at most X when the whole interval is ≤ X, more than X when it is all above', () => {
    expect(decideOverhead({ low: -0.5, high: 1.9 }, 2)).toEqual({ verdict: 'costs-at-most', text: 'costs at most 2 % (interval [-0.5 %, +1.9 %])' });
    expect(decideOverhead({ low: 2.1, high: 6 }, 2).verdict).toBe('costs-more');
    expect(decideOverhead({ low: 1, high: 3 }, 2)).toEqual({ verdict: 'inconclusive', text: 'inconclusive: interval [+1.0 %, +3.0 %] contains 2 %' });
    expect(decideOverhead({ low: -Infinity, high: Infinity }, 2).text).toBe('inconclusive: interval [-inf, +inf] contains 2 %');
  });

  it('comparison: no change within ±X, regressed beyond +X, improved beyond −X, else inconclusive', () => {
    expect(decideChange({ low: -4, high: 4.9 }, 5).verdict).toBe('no-change');
    expect(decideChange({ low: 5.1, high: 40 }, 5)).toEqual({ verdict: 'regressed', text: 'regressed by more than 5 % (interval [+5.1 %, +40.0 %])' });
    expect(decideChange({ low: -30, high: -6 }, 5).verdict).toBe('improved');
    expect(decideChange({ low: 2, high: 8 }, 5)).toEqual({ verdict: 'inconclusive', text: 'inconclusive: interval [+2.0 %, +8.0 %] reaches past ±5 %' });
    expect(decideChange({ low: -6, high: 1 }, 5).verdict).toBe('inconclusive');
  });

  it('reads log intervals as percent and half-widths in percentage points', () => {
    const i = percentInterval({ low: Math.log(0.99), high: Math.log(1.03) });
    expect(i.low).toBeCloseTo(-1, 10);
    expect(i.high).toBeCloseTo(3, 10);
    expect(halfWidth(i)).toBeCloseTo(2, 10);
    expect(formatPercentInterval(i)).toBe('[-1.0 %, +3.0 %]');
  });

  it('refuses a negative or non-finite margin', () => {
    expect(() => decideOverhead({ low: 0, high: 1 }, -1)).toThrow(/margin must be a percentage ≥ 0, got -1/);
    expect(() => decideChange({ low: 0, high: 1 }, Number.NaN)).toThrow(/got NaN/);
  });
});
