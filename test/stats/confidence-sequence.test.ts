import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIP, RobustConfidenceSequence } from '../../harness/stats/confidence-sequence.ts';
import { MEASURED_NOISE, runNoise } from '../../harness/stats/precision-simulation.ts';

const feed = (cs: RobustConfidenceSequence, xs: readonly number[]): ReturnType<RobustConfidenceSequence['push']>[] => xs.map((x) => cs.push(x));

describe('RobustConfidenceSequence', () => {
  it('gives no finite bound until the bets can reach 2/α (7 blocks at 95 %, bets ≤ 0.75/c)', () => {
    const cs = new RobustConfidenceSequence();
    const ivs = feed(cs, Array.from({ length: 8 }, () => 0.01));
    // (1.75)^6 = 28.7 < 40 = 2/α; (1.75)^7 = 50.3 ≥ 40.
    expect(ivs.slice(0, 6).every((iv) => iv.low === -Infinity && iv.high === Infinity)).toBe(true);
    expect(ivs[6]!.low).toBeGreaterThan(-Infinity);
    expect(ivs[6]!.high).toBeLessThan(Infinity);
    expect(ivs[7]!.low).toBeLessThanOrEqual(0.01);
    expect(ivs[7]!.high).toBeGreaterThanOrEqual(0.01);
  });

  it('shrinks around the truth as blocks accumulate, and never widens (running intersection)', () => {
    const draw = runNoise(7, MEASURED_NOISE);
    const theta = Math.log(1.05);
    const cs = new RobustConfidenceSequence();
    const ivs = feed(cs, Array.from({ length: 80 }, () => theta + draw() - draw()));
    for (let i = 1; i < ivs.length; i++) {
      expect(ivs[i]!.low).toBeGreaterThanOrEqual(ivs[i - 1]!.low);
      expect(ivs[i]!.high).toBeLessThanOrEqual(ivs[i - 1]!.high);
    }
    const last = ivs.at(-1)!;
    expect(last.low).toBeLessThan(theta);
    expect(last.high).toBeGreaterThan(theta);
    expect(last.high - last.low).toBeLessThan(0.04);
    expect(cs.estimate()).toBeCloseTo(theta, 1);
  });

  it('the estimate is the Huber location at every block: a zero of Σ clip(x − m, −c, c), one value is its own estimate', () => {
    const one = new RobustConfidenceSequence();
    one.push(0.0513);
    // A solver that moved on from an exact zero returned the bracket's midpoint here: 0.0513 + c/2.
    expect(one.estimate()).toBe(0.0513);
    const draw = runNoise(7, MEASURED_NOISE);
    const xs = Array.from({ length: 60 }, () => 0.02 + draw() - draw());
    const cs = new RobustConfidenceSequence();
    const c = DEFAULT_CLIP;
    xs.forEach((x, i) => {
      cs.push(x);
      // As the precision controller does: the estimate after every block (warm-started from the last).
      const m = cs.estimate();
      const score = xs.slice(0, i + 1).reduce((sum, v) => sum + Math.max(-c, Math.min(c, v - m)), 0);
      expect(Math.abs(score), `block ${i}: estimate ${m}`).toBeLessThan(1e-6);
    });
    expect(cs.estimate()).toBeCloseTo(0.02, 2);
  });

  it('caps an outlier block: the Huber estimate barely moves where the mean jumps, and the block is listed as clipped', () => {
    const xs = [0.01, 0.012, 0.008, 0.011, 0.009, 0.3, 0.01, 0.0105, 0.0095];
    const cs = new RobustConfidenceSequence();
    feed(cs, xs);
    expect(cs.estimate()).toBeGreaterThan(0.009);
    expect(cs.estimate()).toBeLessThan(0.016);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeGreaterThan(0.04);
    expect(cs.clippedIndices()).toEqual([5]);
  });

  it('watch tracks exactly the event "the interval excluded this value at some block"', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const draw = runNoise(seed, MEASURED_NOISE);
      const xs = Array.from({ length: 40 }, () => draw() - draw());
      for (const watch of [-0.01, 0, 0.005, 0.01]) {
        const full = new RobustConfidenceSequence({ watch });
        const fast = new RobustConfidenceSequence({ watch, bounds: false });
        let excluded = false;
        for (const x of xs) {
          const iv = full.push(x);
          fast.push(x);
          excluded ||= iv.low > watch || iv.high < watch;
          expect(fast.excludedWatch()).toBe(excluded);
          expect(full.excludedWatch()).toBe(excluded);
        }
      }
    }
  });

  it('refuses bad options and values, with the value in the message', () => {
    expect(() => new RobustConfidenceSequence({ confidence: 1 })).toThrow(/confidence must be in \(0, 1\), got 1/);
    expect(() => new RobustConfidenceSequence({ clip: 0 })).toThrow(/clip must be a positive number/);
    expect(() => new RobustConfidenceSequence({ maxBet: 1 })).toThrow(/maxBet must be in \(0, 1\)/);
    expect(() => new RobustConfidenceSequence().push(Number.NaN)).toThrow(/finite, got NaN/);
    expect(() => new RobustConfidenceSequence().excludedWatch()).toThrow(/without `watch`/);
    expect(new RobustConfidenceSequence().clip).toBe(DEFAULT_CLIP);
    expect(new RobustConfidenceSequence().estimate()).toBeNaN();
  });
});
