// Verdicts against a practical margin, read off an anytime-valid interval (confidence-sequence.ts).
// Each verdict is a statement the interval proves, so a wrong one needs the sequence to miss the
// truth: at most α over all blocks, whenever the harness stops (docs/precision.md).

/** Overhead of a mode against baseline, against a margin of X %. */
export type OverheadVerdict = 'costs-at-most' | 'costs-more' | 'inconclusive';
/** A candidate against a base (A vs B), against a margin of ±X %. */
export type ChangeVerdict = 'no-change' | 'regressed' | 'improved' | 'inconclusive';

/** An interval of a percent change, + = costs more / worse. ±Infinity: not bounded yet. */
export interface PercentInterval {
  low: number;
  high: number;
}

/** Percent change interval from a log-ratio interval: (e^x − 1) × 100. */
export function percentInterval(log: { low: number; high: number }): PercentInterval {
  return { low: Math.expm1(log.low) * 100, high: Math.expm1(log.high) * 100 };
}

/** Half-width of an interval in its own units (percentage points for a percent interval). */
export function halfWidth(i: PercentInterval): number {
  return (i.high - i.low) / 2;
}

const fmt = (x: number): string => (Number.isFinite(x) ? `${x >= 0 && x !== 0 ? '+' : ''}${x.toFixed(1)} %` : x > 0 ? '+inf' : '-inf');
/** "[-0.8 %, +1.9 %]": how verdict texts print an interval. */
export const formatPercentInterval = (i: PercentInterval): string => `[${fmt(i.low)}, ${fmt(i.high)}]`;

function checkMargin(margin: number): void {
  if (!(Number.isFinite(margin) && margin >= 0)) throw new RangeError(`margin must be a percentage ≥ 0, got ${margin}`);
}

// "costs at most X %" when the whole interval is ≤ X, "costs more than X %" when it is all above X.
export function decideOverhead(i: PercentInterval, margin: number): { verdict: OverheadVerdict; text: string } {
  checkMargin(margin);
  const at = `interval ${formatPercentInterval(i)}`;
  if (i.high <= margin) return { verdict: 'costs-at-most', text: `costs at most ${margin} % (${at})` };
  if (i.low > margin) return { verdict: 'costs-more', text: `costs more than ${margin} % (${at})` };
  return { verdict: 'inconclusive', text: `inconclusive: ${at} contains ${margin} %` };
}

// "no change within ±X %" when the interval lies inside [−X, X]; "regressed" when it is all above
// +X, "improved" when all below −X; otherwise (it straddles ±X) inconclusive.
export function decideChange(i: PercentInterval, margin: number): { verdict: ChangeVerdict; text: string } {
  checkMargin(margin);
  const at = `interval ${formatPercentInterval(i)}`;
  if (i.low >= -margin && i.high <= margin) return { verdict: 'no-change', text: `no change within ±${margin} % (${at})` };
  if (i.low > margin) return { verdict: 'regressed', text: `regressed by more than ${margin} % (${at})` };
  if (i.high < -margin) return { verdict: 'improved', text: `improved by more than ${margin} % (${at})` };
  return { verdict: 'inconclusive', text: `inconclusive: ${at} reaches past ±${margin} %` };
}
