import { describe, expect, it } from 'vitest';
import { armKey, PrecisionController, PrecisionSettingsError, type BlockMetrics } from '../../harness/stats/precision-controller.ts';
import { MEASURED_NOISE, runNoise } from '../../harness/stats/precision-simulation.ts';
import { differenceInterval } from '../../harness/stats/precision-series.ts';

const METRIC = 'server_cpu_us_per_req';

// Blocks of a baseline and one observer costing `percent`, with the measured run noise.
function blocks(percent: number, seed: number, count: number, seconds = 10): BlockMetrics[] {
  const draw = runNoise(seed, MEASURED_NOISE);
  return Array.from({ length: count }, (_, i) => ({
    repetition: i + 1,
    seconds,
    modes: { baseline: { [METRIC]: 50 * Math.exp(draw()) }, microsentinel: { [METRIC]: 50 * (1 + percent / 100) * Math.exp(draw()) } },
  }));
}

// Feed blocks until the controller says stop; the decision and the blocks used.
function runUntilStop(c: PrecisionController, bs: BlockMetrics[]): { decision: ReturnType<PrecisionController['decide']>; used: number } {
  for (let i = 0; i < bs.length; i++) {
    c.addBlock(bs[i]!);
    const decision = c.decide();
    if (decision.action === 'stop') return { decision, used: i + 1 };
  }
  throw new Error('never stopped');
}

describe('PrecisionController', () => {
  it('runs until the half-width target is met, then stops with target-met and the achieved width', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 3 }], maxRepetitions: 200 });
    const { decision, used } = runUntilStop(c, blocks(5, 1, 200));
    expect(decision).toMatchObject({ action: 'stop', reason: 'target-met' });
    expect(used).toBeGreaterThan(7);
    expect(used).toBeLessThan(200);
    const [r] = c.results();
    expect(r).toMatchObject({ mode: 'microsentinel', metric: METRIC, of: 'overhead', stopReason: 'target-met', status: 'met', blocks: used });
    expect(r!.achievedHalfWidth).toBeLessThanOrEqual(3);
    expect(r!.interval.low).toBeLessThan(5);
    expect(r!.interval.high).toBeGreaterThan(5);
  });

  it('stops early on a decided margin verdict ("costs more than 2 %") before the width target', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 0.5, margin: 2 }], maxRepetitions: 200 });
    const { decision } = runUntilStop(c, blocks(15, 2, 200));
    expect(decision.reason).toBe('verdict-decided');
    const [r] = c.results();
    expect(r).toMatchObject({ verdict: 'costs-more', stopReason: 'verdict-decided' });
    expect(r!.verdictText).toMatch(/^costs more than 2 % \(interval \[\+\d+\.\d %, \+\d+\.\d %\]\)$/);
  });

  it('keeps going while a target is open and says which, then stops at max_repetitions with the reason per metric', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 0.1, margin: 2 }], maxRepetitions: 12 });
    const bs = blocks(2, 3, 12);
    bs.slice(0, 11).forEach((b) => {
      c.addBlock(b);
      const d = c.decide();
      expect(d.action).toBe('run-next-block');
      if (b.repetition >= 3) expect(d.reason).toMatch(/^1 target\(s\) open: microsentinel overhead server_cpu_us_per_req ±(\d+\.\d\d|∞) > ±0\.1 pp$/);
    });
    c.addBlock(bs[11]!);
    expect(c.decide()).toMatchObject({ action: 'stop', reason: 'max-repetitions', message: 'max_repetitions (12) reached with 1 target(s) open' });
    expect(c.results()[0]).toMatchObject({ stopReason: 'max-repetitions', verdict: 'inconclusive', blocks: 12 });
  });

  it('honours min_repetitions even when every target is met at once', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'value', halfWidth: 1000 }], minRepetitions: 5, maxRepetitions: 50 });
    const bs = blocks(0, 4, 50);
    for (let i = 0; i < 4; i++) {
      c.addBlock(bs[i]!);
      expect(c.decide()).toMatchObject({ action: 'run-next-block', reason: 'min_repetitions is 5' });
    }
    c.addBlock(bs[4]!);
    // value targets track every mode, baseline included; 7 blocks give the first finite bound.
    expect(c.decide().action).toBe('run-next-block');
    expect(c.results().map((r) => r.mode).sort()).toEqual(['baseline', 'microsentinel']);
  });

  it('stops before a block that would overrun the time budget', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 0.1 }], maxRepetitions: 100, timeBudgetSeconds: 95 });
    const { decision, used } = runUntilStop(c, blocks(0, 5, 100, 10));
    expect(used).toBe(9);
    expect(decision).toMatchObject({ reason: 'time-budget', message: 'time budget 95 s: 90 s spent, the next block (~10 s) would overrun it' });
    expect(c.results()[0]!.stopReason).toBe('time-budget');
  });

  it('runs min_repetitions blocks even when the first one already spent the time budget', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 0.1 }], minRepetitions: 3, maxRepetitions: 100, timeBudgetSeconds: 5 });
    const { decision, used } = runUntilStop(c, blocks(0, 5, 100, 10));
    expect(used).toBe(3);
    expect(decision).toMatchObject({ reason: 'time-budget', blocks: 3 });
  });

  it('records blocks without a usable value as missing (failed run, no baseline, zero) and reports outlier blocks without dropping them', () => {
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 1 }], maxRepetitions: 20 });
    const ok = (rep: number, m: number): BlockMetrics => ({ repetition: rep, seconds: 1, modes: { baseline: { [METRIC]: 100 }, microsentinel: { [METRIC]: m } } });
    c.addBlock(ok(1, 101));
    c.addBlock({ repetition: 2, seconds: 1, modes: { baseline: { [METRIC]: 100 } } });
    c.addBlock({ repetition: 3, seconds: 1, modes: { microsentinel: { [METRIC]: 101 } } });
    c.addBlock(ok(4, 0));
    c.addBlock(ok(5, 102));
    c.addBlock(ok(6, 140));
    c.addBlock(ok(7, 101.5));
    const [r] = c.results();
    expect(r!.missingRepetitions).toEqual([2, 3, 4]);
    expect(r!.blocks).toBe(4);
    expect(r!.outlierRepetitions).toEqual([6]);
    expect(r!.clippedRepetitions).toEqual([6]);
    expect(r!.stopReason).toBeNull();
  });

  it('reads throughput overhead as baseline/mode (higher is better)', () => {
    const c = new PrecisionController({ targets: [{ metric: 'throughput_rps', of: 'overhead', halfWidth: 1 }], maxRepetitions: 20 });
    for (let rep = 1; rep <= 10; rep++) c.addBlock({ repetition: rep, seconds: 1, modes: { baseline: { throughput_rps: 1000 }, perf: { throughput_rps: 900 } } });
    expect(c.results()[0]!.estimate).toBeCloseTo(11.111, 2);
  });

  it('refuses bad settings all at once, and blocks out of order', () => {
    expect(() => new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 0 }], maxRepetitions: 0, minRepetitions: 2, confidence: 1.5, timeBudgetSeconds: -1 })).toThrow(
      new PrecisionSettingsError(
        'precision settings: confidence: must be in (0, 1), got 1.5; max_repetitions: must be an integer ≥ 1, got 0; min_repetitions: must be an integer in [1, max_repetitions = 0], got 2; time_budget: must be > 0 s, got -1; targets[0].half_width: must be > 0, got 0',
      ),
    );
    const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'overhead', halfWidth: 1 }], maxRepetitions: 5 });
    c.addBlock(blocks(0, 1, 1)[0]!);
    expect(() => c.addBlock(blocks(0, 1, 1)[0]!)).toThrow(/repetition 1 after 1: blocks must come in repetition order/);
  });

  describe('of: change (a mutation against the unpatched base, same mode, same block)', () => {
    // Blocks of a mutations axis: base and two patched trees in mode baseline, one costing `percent`, one unchanged.
    function mutationBlocks(percent: number, seed: number, count: number): BlockMetrics[] {
      const draw = runNoise(seed, MEASURED_NOISE);
      return Array.from({ length: count }, (_, i) => ({
        repetition: i,
        seconds: 5,
        modes: {
          [armKey('baseline', 'base')]: { [METRIC]: 50 * Math.exp(draw()) },
          [armKey('baseline', 'slow')]: { [METRIC]: 50 * (1 + percent / 100) * Math.exp(draw()) },
          [armKey('baseline', 'same')]: { [METRIC]: 50 * Math.exp(draw()) },
        },
      }));
    }

    it('says "regressed" for the costly patch and "no change within ±5 %" for the identical one, each with its own series', () => {
      const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'change', halfWidth: 0.5, margin: 5 }], maxRepetitions: 400 });
      const { decision, used } = runUntilStop(c, mutationBlocks(30, 11, 400));
      expect(decision.reason).toBe('verdict-decided');
      const rows = c.results();
      // No series for the base itself: it is what the others are measured against.
      expect(rows.map((r) => `${r.mode}/${r.level}`).sort()).toEqual(['baseline/same', 'baseline/slow']);
      const slow = rows.find((r) => r.level === 'slow')!;
      const same = rows.find((r) => r.level === 'same')!;
      expect(slow).toMatchObject({ of: 'change', verdict: 'regressed', status: 'decided', stopReason: 'verdict-decided' });
      expect(slow.verdictText).toMatch(/^regressed by more than 5 % \(interval \[\+\d+\.\d %, \+\d+\.\d %\]\)$/);
      expect(slow.interval.low).toBeLessThan(30);
      expect(slow.interval.high).toBeGreaterThan(30);
      expect(same).toMatchObject({ verdict: 'no-change', status: 'decided', blocks: used });
      expect(same.interval.low).toBeGreaterThanOrEqual(-5);
      expect(same.interval.high).toBeLessThanOrEqual(5);
    });

    it('names the open change series by mode and mutation while it keeps measuring', () => {
      const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'change', halfWidth: 0.01, margin: 5 }], maxRepetitions: 50 });
      const bs = mutationBlocks(5, 12, 3);
      bs.forEach((b) => c.addBlock(b));
      expect(c.decide().reason).toMatch(/^2 target\(s\) open: baseline under slow change server_cpu_us_per_req ±\S+ > ±0\.01 pp, baseline under same change server_cpu_us_per_req ±\S+ > ±0\.01 pp$/);
    });

    it('counts a block whose base run failed as missing for every patched arm, and overhead stays within each tree', () => {
      const c = new PrecisionController({
        targets: [
          { metric: METRIC, of: 'change', halfWidth: 1, margin: 5 },
          { metric: METRIC, of: 'overhead', halfWidth: 1 },
        ],
        maxRepetitions: 10,
      });
      const block = (rep: number, withBase: boolean): BlockMetrics => ({
        repetition: rep,
        seconds: 1,
        modes: {
          ...(withBase ? { [armKey('baseline', 'base')]: { [METRIC]: 100 } } : {}),
          [armKey('perf', 'base')]: { [METRIC]: 110 },
          [armKey('baseline', 'p')]: { [METRIC]: 200 },
          [armKey('perf', 'p')]: { [METRIC]: 240 },
        },
      });
      c.addBlock(block(0, true));
      c.addBlock(block(1, false));
      const rows = c.results();
      const find = (of: string, mode: string, mutation: string) => rows.find((r) => r.of === of && r.mode === mode && r.level === mutation)!;
      expect(find('change', 'baseline', 'p').missingRepetitions).toEqual([1]);
      expect(find('change', 'perf', 'p').missingRepetitions).toEqual([]);
      // The estimator is monotone in the log ratios (the robust sequence shrinks them a little at 2
      // blocks): perf under p costs 240/200 (+20 %) against its own tree's baseline — against the
      // base's baseline it would read +140 %, more than its change against the base's perf (240/110).
      const change = find('change', 'perf', 'p').estimate;
      const overheadP = find('overhead', 'perf', 'p').estimate;
      const overheadBase = find('overhead', 'perf', 'base').estimate;
      expect(overheadP).toBeLessThan(change);
      expect(overheadP).toBeGreaterThan(overheadBase);
      expect(overheadBase).toBeGreaterThan(0);
      expect(find('overhead', 'perf', 'base').missingRepetitions).toEqual([1]);
    });
  });

  describe('against a parameter value (of: change, of: difference along injected_us)', () => {
    const AGAINST = { param: 'injected_us', level: '0' };
    // A fidelity-shaped block: CPU per request x at D = 0 and x + D at each injected D, each run with the measured noise.
    function injectedBlocks(seed: number, count: number, ds = [5, 20, 50], x = 36): BlockMetrics[] {
      const draw = runNoise(seed, MEASURED_NOISE);
      return Array.from({ length: count }, (_, i) => ({
        repetition: i,
        seconds: 20,
        modes: Object.fromEntries([0, ...ds].map((d) => [armKey('baseline', String(d)), { [METRIC]: (x + d) * Math.exp(draw()), p50_us: 80 + d }])),
      }));
    }

    it('measures each level against the reference level in µs until the difference is known to ±10 %, with no series for the reference itself', () => {
      const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'difference', halfWidth: 10, against: AGAINST }], maxRepetitions: 400, axis: 'injected_us' });
      const { decision, used } = runUntilStop(c, injectedBlocks(31, 400));
      expect(decision.reason).toBe('target-met');
      const rows = c.results();
      expect(rows.map((r) => r.level).sort()).toEqual(['20', '5', '50']);
      for (const r of rows) {
        const d = Number(r.level);
        expect(r).toMatchObject({ of: 'difference', axis: 'injected_us', mode: 'baseline', status: 'met', stopReason: 'target-met', blocks: used, verdict: null });
        expect(r.achievedHalfWidth).toBeLessThanOrEqual(10);
        // The interval is in µs and holds the injected cost; the estimate is within its ±10 %.
        expect(r.interval.low).toBeLessThanOrEqual(d);
        expect(r.interval.high).toBeGreaterThanOrEqual(d);
        expect(Math.abs(r.estimate / d - 1)).toBeLessThanOrEqual(0.1);
      }
      // D = 5 is the hardest: it is what kept the suite measuring.
      const five = rows.find((r) => r.level === '5')!;
      expect(five.achievedHalfWidth).toBeGreaterThan(rows.find((r) => r.level === '50')!.achievedHalfWidth);
    });

    it('states a change along the same axis in percent, against the reference value', () => {
      const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'change', halfWidth: 100, against: AGAINST }], maxRepetitions: 10, minRepetitions: 8, axis: 'injected_us' });
      injectedBlocks(32, 8).forEach((b) => c.addBlock(b));
      const fifty = c.results().find((r) => r.level === '50')!;
      expect(fifty).toMatchObject({ of: 'change', axis: 'injected_us' });
      expect(fifty.estimate).toBeGreaterThan(120); // (36 + 50) / 36 − 1 = 139 %
      expect(fifty.estimate).toBeLessThan(160);
    });

    it('counts a block without the reference run as missing for the change, and names the open arms by their level', () => {
      const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'difference', halfWidth: 0.01, against: AGAINST }], maxRepetitions: 10, axis: 'injected_us' });
      const bs = injectedBlocks(33, 4, [5]);
      delete bs[2]!.modes[armKey('baseline', '0')];
      bs.forEach((b) => c.addBlock(b));
      const [r] = c.results();
      expect(r!.missingRepetitions).toEqual([2]);
      expect(r!.blocks).toBe(3);
      expect(c.decide().reason).toMatch(/^1 target\(s\) open: baseline at injected_us=5 difference server_cpu_us_per_req ±\S+ > ±0\.01 %$/);
    });
  });

  describe('stop_arms: each (an arm stops once its own targets are final)', () => {
    const AGAINST = { param: 'injected_us', level: '0' };
    // Blocks of CPU per request at injected_us 0 and each D (the fidelity suite's shape), 10 s per run.
    function levels(seed: number, count: number, ds = [5, 50], x = 36): BlockMetrics[] {
      const draw = runNoise(seed, MEASURED_NOISE);
      return Array.from({ length: count }, (_, i) => ({
        repetition: i + 1,
        seconds: 10 * (ds.length + 1),
        runs: ds.length + 1,
        modes: Object.fromEntries([0, ...ds].map((d) => [armKey('baseline', String(d)), { [METRIC]: (x + d) * Math.exp(draw()) }])),
      }));
    }
    // As the runner does: before each block, leave out the arms the controller says are settled.
    function runSkipping(c: PrecisionController, bs: BlockMetrics[]): { used: number; skipped: Map<number, string[]>; decision: ReturnType<PrecisionController['decide']> } {
      const skipped = new Map<number, string[]>();
      for (let i = 0; i < bs.length; i++) {
        const settled = c.settledArms();
        const b = bs[i]!;
        const modes = Object.fromEntries(Object.entries(b.modes).filter(([k]) => !settled.has(k)));
        if (settled.size > 0) skipped.set(b.repetition, [...settled.keys()]);
        c.addBlock({ ...b, modes, runs: Object.keys(modes).length, seconds: 10 * Object.keys(modes).length });
        const decision = c.decide();
        if (decision.action === 'stop') return { used: i + 1, skipped, decision };
      }
      throw new Error('never stopped');
    }
    const settings = (stopArms: 'each' | 'together', extra = {}) =>
      new PrecisionController({ targets: [{ metric: METRIC, of: 'difference', halfWidth: 10, against: AGAINST }], maxRepetitions: 400, axis: 'injected_us', stopArms, ...extra });

    it('stops measuring D = 50 once it is known to ±10 %, keeps the reference while D = 5 is open, and freezes the final series', () => {
      const c = settings('each');
      const { used, skipped, decision } = runSkipping(c, levels(41, 400));
      expect(decision.reason).toBe('target-met');
      const rows = c.results();
      const fifty = rows.find((r) => r.level === '50')!;
      const five = rows.find((r) => r.level === '5')!;
      // D = 50 settled long before D = 5: its later blocks were not measured, and are not "missing".
      expect(fifty.blocks).toBeLessThan(used);
      expect(five.blocks).toBe(used);
      expect(fifty.missingRepetitions).toEqual([]);
      expect(fifty).toMatchObject({ status: 'met', stopReason: 'target-met' });
      expect(fifty.interval.low).toBeLessThanOrEqual(50);
      expect(fifty.interval.high).toBeGreaterThanOrEqual(50);
      const firstSkip = Math.min(...skipped.keys());
      expect(firstSkip).toBe(fifty.blocks + 1);
      for (const arms of skipped.values()) expect(arms).toEqual([armKey('baseline', '50')]);
      // The reference level is never settled while a difference against it is open.
      expect([...skipped.values()].flat()).not.toContain(armKey('baseline', '0'));
    });

    it("says why an arm is settled, after how many blocks; nothing under 'together' or before min_repetitions", () => {
      const c = settings('each', { minRepetitions: 20 });
      const bs = levels(42, 20, [5, 400]);
      for (const b of bs.slice(0, 19)) {
        c.addBlock(b);
        c.decide();
        expect(c.settledArms().size).toBe(0);
      }
      c.addBlock(bs[19]!);
      c.decide();
      expect(c.settledArms()).toEqual(new Map([[armKey('baseline', '400'), expect.stringMatching(/^baseline at injected_us=400: difference server_cpu_us_per_req ±\d+\.\d\d ≤ ±10 % after 20 blocks$/)]]));
      const together = settings('together');
      bs.forEach((b) => {
        together.addBlock(b);
        together.decide();
      });
      expect(together.results().find((r) => r.level === '400')!.status).toBe('met');
      expect(together.settledArms().size).toBe(0);
    });

    it("keeps a block's baseline while another mode of it is measured, and settles a mode whose value is known", () => {
      const c = new PrecisionController({ targets: [{ metric: METRIC, of: 'value', halfWidth: 10 }], maxRepetitions: 60, stopArms: 'each' });
      const noisy = runNoise(43, { ...MEASURED_NOISE, spread: 0.5 });
      for (let rep = 1; rep <= 30; rep++) {
        c.addBlock({ repetition: rep, seconds: 30, modes: { baseline: { [METRIC]: 50 }, perf: { [METRIC]: 52 }, microsentinel: { [METRIC]: 50 * Math.exp(noisy()) } } });
        expect(c.decide().action).toBe('run-next-block');
      }
      // The baseline's and perf's values are exact (met); microsentinel's is not: perf is settled, the
      // baseline stays for microsentinel's block.
      expect(c.results().filter((r) => r.status === 'met').map((r) => r.mode).sort()).toEqual(['baseline', 'perf']);
      expect([...c.settledArms().keys()]).toEqual(['perf']);
    });

    it('budgets the next block by the runs it still has, not by the mean block so far', () => {
      // Exact values at 0 and 400 (settled as soon as the sequence is bounded), noisy at 5; each run 10 s.
      const block = (noisy: () => number, rep: number, arms: number[]): BlockMetrics => ({
        repetition: rep,
        seconds: 10 * arms.length,
        runs: arms.length,
        modes: Object.fromEntries(arms.map((d) => [armKey('baseline', String(d)), { [METRIC]: d === 5 ? 41 * Math.exp(noisy()) : 36 + d }])),
      });
      // Blocks of all three levels until D = 400 settles (or, under 'together', as many), then one without it (2 runs, 20 s).
      const feed = (c: PrecisionController, blocks?: number): number => {
        const noisy = runNoise(44, { ...MEASURED_NOISE, spread: 0.5 });
        for (let rep = 1; rep <= 40; rep++) {
          c.addBlock(block(noisy, rep, [0, 5, 400]));
          c.decide();
          if (blocks === undefined ? c.settledArms().has(armKey('baseline', '400')) : rep === blocks) {
            c.addBlock(block(noisy, rep + 1, [0, 5]));
            return rep;
          }
        }
        throw new Error('D = 400 never settled');
      };
      const full = feed(settings('each'));
      const spent = full * 30 + 20;
      // The next block has 2 runs (~20 s): it overruns a budget 15 s away …
      const tight = settings('each', { timeBudgetSeconds: spent + 15 });
      feed(tight);
      expect(tight.decide()).toMatchObject({ action: 'stop', reason: 'time-budget' });
      // … and fits one 25 s away, where the mean block so far (~29 s, the 'together' estimate) would not.
      const roomy = settings('each', { timeBudgetSeconds: spent + 25 });
      feed(roomy);
      expect(roomy.decide().action).toBe('run-next-block');
      const together = settings('together', { timeBudgetSeconds: spent + 25 });
      feed(together, full);
      expect(together.decide()).toMatchObject({ action: 'stop', reason: 'time-budget' });
    });
  });
});

describe('differenceInterval', () => {
  it('is the range of x · (e^θ − 1) over the two intervals, for gains, losses and changes of either sign', () => {
    const t = (lo: number, hi: number) => ({ low: Math.log(lo), high: Math.log(hi) });
    // θ ∈ [ln 1.1, ln 1.2], x ∈ [30, 40]: D ∈ [30 · 0.1, 40 · 0.2].
    expect(differenceInterval(t(1.1, 1.2), { low: 30, high: 40 })).toEqual({ low: expect.closeTo(3, 9), high: expect.closeTo(8, 9) });
    // A cost removed: θ ∈ [ln 0.8, ln 0.9] → D ∈ [40 · −0.2, 30 · −0.1].
    expect(differenceInterval(t(0.8, 0.9), { low: 30, high: 40 })).toEqual({ low: expect.closeTo(-8, 9), high: expect.closeTo(-3, 9) });
    // Straddling no change: both ends scale with the largest x.
    expect(differenceInterval(t(0.9, 1.1), { low: 30, high: 40 })).toEqual({ low: expect.closeTo(-4, 9), high: expect.closeTo(4, 9) });
    // Unbounded: an unbounded change or reference level leaves its end open.
    expect(differenceInterval({ low: -Infinity, high: Infinity }, { low: 30, high: 40 })).toEqual({ low: -40, high: Infinity });
    expect(differenceInterval(t(1.1, 1.2), { low: 0, high: Infinity })).toEqual({ low: 0, high: Infinity });
  });
});
