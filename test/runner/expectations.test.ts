import { describe, expect, it } from 'vitest';
import { expectationValues, recordBlockMetrics } from '../../harness/runner/expectations.ts';
import type { PlannedRun } from '../../harness/plan/run-types.ts';

// Only the fields that place a run in its repetition block matter here.
const run = (mode: string, repetition: number): PlannedRun => ({ suite: 'exp-test', workload: 'kv', mode, repetition, variant: { label: 'default' } }) as unknown as PlannedRun;

describe('expectationValues', () => {
  it('derives overhead_pct against the baseline of the same repetition block', () => {
    recordBlockMetrics(run('baseline', 0), { throughput_rps: 1000, p99_us: 200 });
    const v = expectationValues(run('perf', 0), { throughput_rps: 800, p99_us: 300 });
    expect(v.overhead_pct).toBeCloseTo(25); // 1000 / 800 − 1: throughput cost
    expect(v['overhead_pct.throughput_rps']).toBeCloseTo(25);
    expect(v['overhead_pct.p99_us']).toBeCloseTo(50); // 300 / 200 − 1: latency cost
    expect(v.p99_us).toBe(300);
  });

  it('has no overhead for a baseline run or without a baseline in the block', () => {
    recordBlockMetrics(run('baseline', 1), { throughput_rps: 1000 });
    expect(expectationValues(run('baseline', 1), { throughput_rps: 1000 }).overhead_pct).toBeUndefined();
    expect(expectationValues(run('perf', 7), { throughput_rps: 900 }).overhead_pct).toBeUndefined();
  });
});
