import { describe, expect, it } from 'vitest';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { latencySection, unmeasurable } from '../../harness/results/latency-floor.ts';
import { LatencySectionSchema } from '../../harness/results/latency-floor-schema.ts';
import { LatencyRecorder } from '../../experiments/workloads/lib/latency-recorder.ts';
import { fakeSuite } from '../helpers/run-records.ts';

// A client's metrics JSON with a real HDR histogram of `values` and the given floor.
function clientMetrics(values: number[], floorUs: Record<string, number> | null): unknown {
  const rec = new LatencyRecorder();
  for (const v of values) rec.record(v);
  const metrics = { generator: 'kv-open-loop', latency_us: rec.summary(), histogram: { data: rec.encode() }, schedule: { send_mode: 'sleep' } } as Record<string, unknown>;
  if (floorUs) metrics.floor = { send_lag_us: floorUs, calibration: null, floor_us: floorUs };
  rec.destroy();
  return metrics;
}

const uniform = (n: number, lo: number, hi: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe('latencySection', () => {
  it('brackets each percentile with an order-statistic interval from the histogram count', () => {
    const s = latencySection([{ name: 'gen', metrics: clientMetrics(uniform(10_000, 100, 1100), { p50: 5, p90: 5, p95: 5, p99: 5, p999: 5 }) }])!;
    expect(LatencySectionSchema.parse(s)).toEqual(s);
    const p50 = s.percentiles.p50_us!;
    expect(p50).toMatchObject({ samples: 10_000, measurable: true, reason: null, floor_us: 5 });
    // Median of 10,000 uniform on [100, 1100]: ranks 4902..5099 → about ±10 µs.
    expect(p50.ci95.low!).toBeGreaterThan(585);
    expect(p50.ci95.low!).toBeLessThanOrEqual(p50.value_us);
    expect(p50.ci95.high!).toBeGreaterThanOrEqual(p50.value_us);
    expect(p50.ci95.high!).toBeLessThan(615);
  });

  it('says a percentile whose floor is half its value or more is not measurable, and why', () => {
    const s = latencySection([{ name: 'gen', metrics: clientMetrics(uniform(1000, 100, 3100), { p50: 10, p90: 10, p95: 10, p99: 2000, p999: 2700 }) }])!;
    expect(s.percentiles.p99_us!.measurable).toBe(false);
    expect(s.percentiles.p999_us!.reason).toMatch(/^p99\.9 not measurable on this node: the generator's floor is 2\.7 ms \(value 3\.\d ms; floor ≥ 50 % of it\)$/);
    expect(s.percentiles.p50_us!.measurable).toBe(true);
    // p99.9 from 1,000 samples has no upper order statistic at 95 %.
    expect(s.percentiles.p999_us!.ci95.high).toBeNull();
    expect([...unmeasurable(s).keys()]).toEqual(['p99_us', 'p999_us']);
  });

  it('judges the worst client, leaves out a floor of the wrong shape, and gives nothing without histograms', () => {
    const s = latencySection([
      { name: 'a', metrics: clientMetrics(uniform(1000, 100, 200), null) },
      { name: 'b', metrics: { ...(clientMetrics(uniform(1000, 100, 900), null) as object), floor: { floor_us: { p50: '__proto__' } } } },
    ])!;
    expect(s.percentiles.p99_us).toMatchObject({ client: 'b', floor_us: null, measurable: true });
    expect(s.clients).toEqual([]);
    expect(latencySection([{ name: 'x', metrics: null }, { name: 'y', metrics: { histogram: { data: 'not base64 hdr' }, latency_us: { p50: 1 } } }])).toBeNull();
  });
});

describe('overhead on a percentile that is not measurable', () => {
  it('is a row without a number, saying why', () => {
    const records = fakeSuite(['baseline', 'perf'], 3, (m) => (m === 'baseline' ? 1000 : 900));
    const reason = "p99 not measurable on this node: the generator's floor is 3.0 ms (value 4.0 ms; floor ≥ 50 % of it)";
    const verdict = { percentile: 99, value_us: 4000, client: 'gen', samples: 1000, ci95: { low: 3900, high: 4100 }, floor_us: 3000, measurable: false, reason };
    records[1]!.result.latency = { floor_share: 0.5, confidence: 0.95, percentiles: { p99_us: verdict }, clients: [], steady_state: null };
    const s = summarizeRuns(records, { suite: 'o', descriptor: 'o.yaml' });
    expect(s.overhead.find((o) => o.metric === 'p99_us')).toMatchObject({ percent: null, ci95: null, half_width: null, reason });
    expect(s.overhead.find((o) => o.metric === 'p50_us')!.percent).toBeCloseTo(11.11, 1);
    expect(s.groups.find((g) => g.mode === 'perf')!.not_measurable).toEqual({ p99_us: { runs: 1, of: 3, reason } });
  });
});
