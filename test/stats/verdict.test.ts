import { describe, expect, it } from 'vitest';
import { compareSamples, decideVerdicts } from '../../harness/stats/verdict.ts';
import { seededNormal } from './seeded-normal.ts';

const baseRps = [1000, 1012, 985, 1020, 995];

describe('compareSamples', () => {
  it('flags a 20 % throughput drop with n = 5 as regressed', () => {
    const cand = [803, 790, 812, 798, 805];
    const c = compareSamples(baseRps, cand, { direction: 'higher-is-better' });
    expect(c).toMatchObject({ verdict: 'regressed', n1: 5, n2: 5, method: 'exact', adjusted: 'none' });
    expect(c.effect).toBeCloseTo((1000 - 803) / 1000, 12);
    expect(c.pRegression).toBeCloseTo(1 / 252, 12);
    expect(c.pImprovement).toBe(1);
    expect(c.reason).toMatch(/median 19\.7 % worse \(p = 0\.00397/);
  });

  it('flags a 20 % latency rise as regressed and a 20 % drop as improved', () => {
    const base = [10.0, 10.3, 9.8, 10.1, 9.9];
    const slower = compareSamples(base, base.map((x) => x * 1.2), { direction: 'lower-is-better' });
    expect(slower.verdict).toBe('regressed');
    expect(slower.effect).toBeCloseTo(0.2, 12);
    const faster = compareSamples(base, base.map((x) => x * 0.8), { direction: 'lower-is-better' });
    expect(faster.verdict).toBe('improved');
    expect(faster.effect).toBeCloseTo(-0.2, 12);
  });

  it('calls a significant shift below minEffect no-change', () => {
    const c = compareSamples(baseRps, baseRps.map((x) => x * 0.98), { direction: 'higher-is-better' });
    expect(c.pRegression).toBeLessThanOrEqual(0.05);
    expect(c).toMatchObject({ verdict: 'no-change' });
    expect(c.reason).toMatch(/under minEffect 5\.0 %/);
  });

  it('never reports a change when both samples come from one distribution', () => {
    const draw = seededNormal(11);
    const verdicts = new Set<string>();
    for (let t = 0; t < 100; t++) {
      const sample = (): number[] => Array.from({ length: 5 }, () => 1000 * (1 + 0.02 * draw()));
      verdicts.add(compareSamples(sample(), sample(), { direction: 'higher-is-better' }).verdict);
    }
    expect([...verdicts].sort()).toEqual(['inconclusive', 'no-change']);
  });

  it('is inconclusive when the data are too noisy to detect minEffect', () => {
    const c = compareSamples([100, 130, 80], [98, 128, 82], { direction: 'lower-is-better' });
    expect(c.verdict).toBe('inconclusive');
    expect(c.minDetectableEffect).toBeGreaterThan(0.05);
    expect(c.reason).toMatch(/too noisy/);
  });

  it('is inconclusive when a large effect is not significant', () => {
    const c = compareSamples([100, 101, 99], [150, 98, 160], { direction: 'lower-is-better' });
    expect(c.effect).toBeCloseTo(0.5, 12);
    expect(c).toMatchObject({ verdict: 'inconclusive' });
    expect(c.reason).toMatch(/not significantly/);
  });

  it('needs complete separation at n = 3 and says "too few repetitions" at n = 2', () => {
    const at3 = compareSamples([100, 101, 99], [120, 121, 119], { direction: 'lower-is-better' });
    expect(at3).toMatchObject({ verdict: 'regressed', pRegression: 0.05, minAchievableP: 0.05 });
    const at2 = compareSamples([100, 101], [200, 201], { direction: 'lower-is-better' });
    expect(at2).toMatchObject({ verdict: 'inconclusive', minDetectableEffect: null });
    expect(at2.reason).toMatch(/^too few repetitions: .* 0\.167 > alpha 0\.05/);
  });

  it('rejects non-positive values', () => {
    expect(() => compareSamples([1, 0], [1, 2], { direction: 'lower-is-better' })).toThrow(/> 0/);
  });
});

describe('decideVerdicts', () => {
  const regressedAt5 = (): ReturnType<typeof compareSamples> =>
    compareSamples(baseRps, baseRps.map((x) => x * 0.8), { direction: 'higher-is-better' });

  it('keeps regressions that survive Holm across the family', () => {
    const family = [regressedAt5(), regressedAt5(), compareSamples(baseRps, baseRps, { direction: 'higher-is-better' })];
    const decided = decideVerdicts(family);
    expect(decided.map((c) => c.verdict)).toEqual(['regressed', 'regressed', 'no-change']);
    expect(decided[0]).toMatchObject({ adjusted: 'holm', rawPRegression: 1 / 252 });
    expect(decided[0]!.pRegression).toBeCloseTo(3 / 252, 12);
  });

  it('withdraws them when the family is too large for n = 5 (13 × 1/252 > 0.05)', () => {
    const decided = decideVerdicts(Array.from({ length: 13 }, regressedAt5));
    expect(decided.every((c) => c.verdict === 'inconclusive')).toBe(true);
    expect(decided[0]!.pRegression).toBeCloseTo(13 / 252, 12);
    expect(decideVerdicts(Array.from({ length: 12 }, regressedAt5)).every((c) => c.verdict === 'regressed')).toBe(true);
  });
});
