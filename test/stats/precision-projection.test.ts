// The projection of blocks a target needs, held against simulated sequences: the robust confidence
// sequence on paired blocks with this machine's noise shapes (1.8 % and 14 % run noise, 10 % outlier
// runs). From the median width after n0 blocks, the median width at the projection's low end is not yet
// below the target, and at its high end it is (within 5 %). Seeded: deterministic.
import { describe, expect, it } from 'vitest';
import { RobustConfidenceSequence } from '../../harness/stats/confidence-sequence.ts';
import { PROJECTION_MIN_BLOCKS, projectBlocks } from '../../harness/stats/precision-projection.ts';
import { runNoise } from '../../harness/stats/precision-simulation.ts';

// Median half-width (pp) of 300 sequences at each of the block counts asked for.
function medianWidths(spread: number, at: number[]): Map<number, number> {
  const last = Math.max(...at);
  const widths = new Map(at.map((n) => [n, [] as number[]]));
  for (let s = 0; s < 300; s++) {
    const draw = runNoise(7000 + s, { spread, outlierRate: 0.1, outlierLow: 0.25, outlierHigh: 0.45 });
    const cs = new RobustConfidenceSequence({ confidence: 0.95, bounds: true });
    for (let n = 1; n <= last; n++) {
      const iv = cs.push(draw() - draw());
      widths.get(n)?.push((Math.exp(iv.high) - Math.exp(iv.low)) * 50);
    }
  }
  return new Map([...widths].map(([n, xs]) => [n, xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!]));
}

describe('projectBlocks', () => {
  it.each([
    [0.018, 20, 0.8],
    [0.018, 30, 0.6],
    [0.14, 20, 5],
    [0.14, 30, 4],
  ])('run noise %s, from %s blocks to ±%s pp: the median width crosses the target between the low and the high figure', (spread, n0, target) => {
    const start = medianWidths(spread, [n0]).get(n0)!;
    const p = projectBlocks(n0, start, target)!;
    expect(p.low).toBeLessThan(p.high);
    const m = medianWidths(spread, [p.low, p.high]);
    expect(m.get(p.low)!, `low ${p.low}`).toBeGreaterThanOrEqual(target * 0.97);
    expect(m.get(p.high)!, `high ${p.high}`).toBeLessThanOrEqual(target * 1.05);
  });

  it('says nothing before PROJECTION_MIN_BLOCKS, for an unbounded or met width, and caps absurd figures', () => {
    expect(projectBlocks(PROJECTION_MIN_BLOCKS - 1, 10, 2)).toBeNull();
    expect(projectBlocks(20, Infinity, 2)).toBeNull();
    expect(projectBlocks(20, 1.5, 2)).toBeNull();
    expect(projectBlocks(20, 0, 2)).toBeNull();
    expect(projectBlocks(20, 14.5, 2)).toEqual({ low: 1052, high: expect.any(Number) as number });
    expect(projectBlocks(20, 14.5, 2)!.high).toBeGreaterThan(1052);
    expect(projectBlocks(20, 1e9, 1)).toEqual({ low: 10_000_000, high: 10_000_000 });
  });
});
