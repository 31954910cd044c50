import { describe, expect, it } from 'vitest';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { fakeRecord, fakeSuite } from '../helpers/run-records.ts';

const meta = { suite: 'overhead', descriptor: 'experiments/configs/experiments/overhead.yaml' };

describe('summarizeRuns', () => {
  it('describes every metric of every workload × mode × variant with a bootstrap interval', () => {
    const s = summarizeRuns(fakeSuite(['baseline', 'perf'], 6, (m, r) => (m === 'baseline' ? 1000 : 900) + r), meta);
    expect(s.runs).toEqual({ total: 12, passed: 12, failed: 0, interrupted: 0 });
    const base = s.groups.find((g) => g.mode === 'baseline')!;
    expect(base.metrics.throughput_rps).toMatchObject({ direction: 'higher-is-better', n: 6, mean: 1002.5, median: 1002.5, min: 1000, max: 1005 });
    expect(base.metrics.p99_us!.direction).toBe('lower-is-better');
    const ci = base.metrics.throughput_rps!.ci95!;
    expect(ci.low).toBeGreaterThanOrEqual(1000);
    expect(ci.high).toBeLessThanOrEqual(1005);
    // Deterministic: the bootstrap is seeded.
    expect(summarizeRuns(fakeSuite(['baseline', 'perf'], 6, (m, r) => (m === 'baseline' ? 1000 : 900) + r), meta).groups).toEqual(s.groups);
  });

  it('computes overhead within repetition blocks, so drift shared by a block cancels', () => {
    // Throughput drifts down 5 % per repetition; perf always costs exactly 10 % of that block's baseline.
    const s = summarizeRuns(fakeSuite(['baseline', 'perf'], 5, (m, r) => 1000 * 0.95 ** r * (m === 'perf' ? 1 / 1.1 : 1)), meta);
    const o = s.overhead.find((x) => x.mode === 'perf' && x.metric === 'throughput_rps')!;
    expect(o.percent).toBeCloseTo(10, 6);
    expect(o.ci95!.low).toBeCloseTo(10, 6);
    expect(o.ci95!.high).toBeCloseTo(10, 6);
    expect(o.log_ratios).toHaveLength(5);
  });

  it('flags outliers by repetition and leaves failed runs out with a warning', () => {
    const records = [...fakeSuite(['baseline'], 7, (_m, r) => (r === 3 ? 400 : 1000 + r)), fakeRecord({ mode: 'baseline', repetition: 7, status: 'failed', metrics: {} })];
    const g = summarizeRuns(records, meta).groups[0]!;
    expect(g.metrics.throughput_rps!.outlier_repetitions).toEqual([3]);
    expect(g.failed).toBe(1);
    expect(g.warnings).toContain('1 of 8 runs failed and are left out of the statistics');
  });

  it('warns once per group when there are too few repetitions for the interval', () => {
    const g = summarizeRuns(fakeSuite(['baseline'], 3, () => 1000), meta).groups[0]!;
    expect(g.warnings.filter((w) => w.includes('too few for a 95.0 % interval'))).toHaveLength(1);
  });
});
