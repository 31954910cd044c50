import { describe, expect, it } from 'vitest';
import {
  MEASURED_NOISE,
  NORMAL_NOISE,
  isFalseVerdict,
  simulateCoverage,
  simulateDifferenceCoverage,
  simulateFixedIntervals,
  simulatePeekingT,
  simulateStopArms,
  simulateStopRule,
} from '../../harness/stats/precision-simulation.ts';

// The proof behind docs/precision.md, at 10,000 seeded sequences; `npm run bench` (precision step)
// prints the same figures at larger sizes. Noise: runs spread 1.8 %, 10 % of runs 25–45 % high.
describe('precision by simulation', () => {
  it('the 95 % robust sequence holds the truth at every one of 60 blocks in ≥ 95 % of 10,000 sequences (any stopping rule)', () => {
    for (const [truePercent, seed] of [[0, 101], [3, 102]] as const) {
      const r = simulateCoverage({ sequences: 10_000, blocks: 60, truePercent, noise: MEASURED_NOISE, seed });
      expect(r.coverage).toBeGreaterThanOrEqual(0.95);
    }
    expect(simulateCoverage({ sequences: 10_000, blocks: 60, truePercent: 0, noise: NORMAL_NOISE, seed: 103 }).coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('of: difference (reference level × change, each sequence at α/2) holds the true injected µs at every one of 40 blocks in ≥ 95 % of 10,000 sequences', () => {
    // The fidelity suite's shape: CPU per request 36 µs at D = 0, D µs more at each injected D.
    for (const [difference, seed] of [[5, 111], [50, 112]] as const) {
      const r = simulateDifferenceCoverage({ sequences: 10_000, blocks: 40, reference: 36, difference, noise: MEASURED_NOISE, seed });
      expect(r.coverage, `D = ${difference}`).toBeGreaterThanOrEqual(0.95);
      expect(Math.abs(r.medianRecovered - 1), `D = ${difference}`).toBeLessThan(0.02);
    }
    // A cost removed (negative difference) is bounded the same way.
    expect(simulateDifferenceCoverage({ sequences: 2_000, blocks: 40, reference: 36, difference: -10, noise: NORMAL_NOISE, seed: 113 }).coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('the fast coverage path agrees with the computed intervals, which reach ±2 pp at ~30–40 blocks', () => {
    const options = { sequences: 300, blocks: 40, truePercent: 1, noise: MEASURED_NOISE, seed: 104 };
    const full = simulateCoverage({ ...options, widths: true });
    expect(simulateCoverage(options).coverage).toBe(full.coverage);
    expect(full.medianHalfWidth[40]).toBeLessThan(2);
    expect(full.medianHalfWidth[20]).toBeGreaterThan(2);
  });

  it('stopping after every block at the first decided verdict: false verdicts ≤ α in 10,000 sequences, at the margin itself', () => {
    // Truth on the margin is the worst case for "costs more than 2 %" (false when truth ≤ 2).
    const atMargin = simulateStopRule({ sequences: 10_000, truePercent: 2, margin: 2, question: 'cost', halfWidth: 0.5, minRepetitions: 3, maxRepetitions: 20, noise: MEASURED_NOISE, seed: 105 });
    expect(atMargin.falseRate).toBeLessThanOrEqual(0.05);
    expect(atMargin.coverageAtStop).toBeGreaterThanOrEqual(0.95);
    // A/A comparison with a ±5 % margin: never "regressed"/"improved", mostly "no change".
    const aa = simulateStopRule({ sequences: 2_000, truePercent: 0, margin: 5, question: 'change', halfWidth: 0.5, minRepetitions: 3, maxRepetitions: 40, noise: MEASURED_NOISE, seed: 106 });
    expect(aa.falseRate).toBeLessThanOrEqual(0.05);
    expect(aa.verdicts['no-change']).toBeGreaterThan(1_900);
  });

  it('the interval printed before (percentile bootstrap over 5 blocks) under-covers; a t interval on the same data does not', () => {
    const r = simulateFixedIntervals({ sequences: 2_000, blocks: 5, truePercent: 0, noise: NORMAL_NOISE, seed: 107, resamples: 500 });
    expect(r.bootstrap).toBeLessThan(0.88);
    expect(r.bootstrap).toBeGreaterThan(0.78);
    expect(r.t).toBeGreaterThan(0.93);
  });

  it('a fixed-n t interval re-checked after every block gives false verdicts well above α: why a sequence is needed', () => {
    const rate = simulatePeekingT({ sequences: 4_000, truePercent: 2, margin: 2, maxRepetitions: 20, noise: MEASURED_NOISE, seed: 108 });
    expect(rate).toBeGreaterThan(0.05);
  });

  it('stop_arms: each keeps every level covered at its own stop and within ±10 % of D, with ~40 % fewer runs (fidelity shape)', () => {
    const o = { sequences: 1_000, reference: 36, differences: [5, 20, 50], halfWidth: 10, maxRepetitions: 200, noise: MEASURED_NOISE, seed: 114 };
    const each = simulateStopArms({ ...o, stopArms: 'each' });
    const together = simulateStopArms({ ...o, stopArms: 'together' });
    for (const d of ['5', '20', '50']) {
      expect(each.coverage[d], `D = ${d}`).toBeGreaterThanOrEqual(0.95);
      expect(each.within[d], `D = ${d}`).toBeGreaterThanOrEqual(0.95);
    }
    // The same noise draws: the rule stops after the same block (D = 5 decides it), with fewer runs.
    expect(each.meanBlocks).toBe(together.meanBlocks);
    expect(together.meanRuns).toBe(4 * together.meanBlocks);
    expect(each.meanRuns).toBeLessThan(0.7 * together.meanRuns);
  });

  it('classifies false verdicts by the truth and the margin', () => {
    expect(isFalseVerdict('costs-more', 2, 2)).toBe(true);
    expect(isFalseVerdict('costs-more', 2.1, 2)).toBe(false);
    expect(isFalseVerdict('costs-at-most', 2.1, 2)).toBe(true);
    expect(isFalseVerdict('no-change', -5.1, 5)).toBe(true);
    expect(isFalseVerdict('improved', -5, 5)).toBe(true);
    expect(isFalseVerdict('regressed', 5.1, 5)).toBe(false);
    expect(isFalseVerdict('inconclusive', 100, 5)).toBe(false);
  });
});
