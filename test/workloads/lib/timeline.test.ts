// The per-second timeline of the metrics JSON: its exact shape (the analysis ingestion reads it),
// where requests and answers land, and that a real open-loop run fills it.
import { describe, expect, it } from 'vitest';
import { TimelineRecorder } from '../../../experiments/workloads/lib/timeline.ts';
import { buildGeneratorMetrics } from '../../../experiments/workloads/lib/metrics.ts';
import { runOpenLoop, type Completion, type RequestSink } from '../../../experiments/workloads/lib/open-loop.ts';

describe('TimelineRecorder', () => {
  it('has one entry per second of the window with exactly t_s, offered, achieved, errors, p50_us, p99_us', () => {
    const t = new TimelineRecorder(10_000, 2.5);
    t.offer(10_000);
    t.offer(11_999.9);
    t.offer(12_100);
    for (let i = 0; i < 100; i++) t.complete(10_500, i < 99 ? 100 : 5000); // second 0: p50 100, p99 100
    t.complete(11_200, 300);
    t.error(11_300);
    t.complete(13_400, 700); // after the window (the drain): counts in the last second (completions come in time order)
    const entries = t.entries();
    expect(entries).toHaveLength(3);
    expect(entries.map((e) => Object.keys(e))).toEqual(Array(3).fill(['t_s', 'offered', 'achieved', 'errors', 'p50_us', 'p99_us']));
    expect(entries[1]).toEqual({ t_s: 1, offered: 1, achieved: 1, errors: 1, p50_us: 300, p99_us: 300 });
    expect(entries[2]).toEqual({ t_s: 2, offered: 1, achieved: 1, errors: 0, p50_us: 700, p99_us: 700 });
    expect(entries[0]).toMatchObject({ t_s: 0, offered: 1, achieved: 100, errors: 0, p50_us: 100 });
    expect(entries[0]!.p99_us).toBeGreaterThanOrEqual(100);
  });

  it('reports zeros for a second without completions, and summarizes closed seconds when settled', () => {
    const t = new TimelineRecorder(0, 3);
    t.complete(100, 40);
    t.complete(2100, 90);
    t.settle();
    expect(t.entries()).toEqual([
      { t_s: 0, offered: 0, achieved: 1, errors: 0, p50_us: 40, p99_us: 40 },
      { t_s: 1, offered: 0, achieved: 0, errors: 0, p50_us: 0, p99_us: 0 },
      { t_s: 2, offered: 0, achieved: 1, errors: 0, p50_us: 90, p99_us: 90 },
    ]);
  });
});

describe('timeline in a real open-loop run', () => {
  it('offers the planned requests per second and sums to the run totals', async () => {
    const sink: RequestSink = { send: (_c, seq, done: Completion) => void setImmediate(() => done(seq, seq % 50 === 0 ? 'error' : 'ok')) };
    const r = await runOpenLoop({ rate: 400, durationS: 2, warmupS: 0.1, arrival: 'constant', seed: 1, connections: 2, timeoutMs: 500 }, sink);
    const m = buildGeneratorMetrics({ workload: 'kv', generator: 'test', arrival: 'constant', connections: 2, durationS: 2, warmupS: 0.1, seed: 1, target: 'x' }, r);
    expect(m.timeline.map((e) => e.t_s)).toEqual([0, 1]);
    expect(m.timeline.map((e) => e.offered)).toEqual([400, 400]);
    expect(m.timeline.reduce((a, e) => a + e.achieved, 0)).toBe(m.completed);
    expect(m.timeline.reduce((a, e) => a + e.errors, 0)).toBe(m.errors);
    expect(m.errors).toBe(16);
    for (const e of m.timeline) {
      expect(e.p50_us).toBeGreaterThan(0);
      expect(e.p99_us).toBeGreaterThanOrEqual(e.p50_us);
    }
  });
});
