// How many blocks a precision target would need at the noise a series showed: the figure a suite that
// ended short of its target states (docs/precision.md "How the runner measures"). Two models bracket
// the answer, both fitted to the width reached so far: the width of the robust confidence sequence
// shrinks like 1/√n at low run noise and like √(log n / n) at high noise (its betting pays for being
// valid at every block). Simulated (test/stats/precision-projection.test.ts): from 20 blocks on, with
// 1.8 % and 14 % run noise, the median width at the low figure is still at or above the target and at
// the high figure within it.

/** Fewest blocks a projection starts from: before, the widths still carry the sequence's start (from 15 blocks at 1.8 % noise, the 1/√n figure already overshot). */
export const PROJECTION_MIN_BLOCKS = 20;

export interface BlocksProjection {
  /** Blocks if the width shrinks like 1/√n from here (the optimistic end). */
  low: number;
  /** Blocks if it shrinks like √(log n / n) (the conservative end). */
  high: number;
}

const LIMIT = 10_000_000;

/**
 * Blocks needed for `target` given `achieved` after `blocks` blocks; null when nothing can be said (too
 * few blocks, an unbounded or zero width) or the target is met already.
 */
export function projectBlocks(blocks: number, achieved: number, target: number): BlocksProjection | null {
  if (!(blocks >= PROJECTION_MIN_BLOCKS) || !Number.isFinite(achieved) || !(achieved > 0) || !(target > 0) || achieved <= target) return null;
  const ratio = achieved / target;
  const low = Math.min(LIMIT, Math.ceil(blocks * ratio * ratio));
  // Smallest n with √(log n / n) ≤ √(log b / b) / ratio; log n / n decreases for n ≥ 3.
  const goal = Math.log(blocks) / blocks / (ratio * ratio);
  let lo = blocks;
  let hi = blocks;
  while (hi < LIMIT && Math.log(hi) / hi > goal) hi *= 2;
  if (hi >= LIMIT) return { low, high: LIMIT };
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (Math.log(mid) / mid > goal) lo = mid;
    else hi = mid;
  }
  return { low, high: Math.max(low, hi) };
}
