// Send lag as a key metric, and the warning that the generator (not the server) set the latency tail:
// on hand-made metrics at the 10 % boundary, and on a real open-loop run made to fall behind.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { SEND_LAG_TAIL_SHARE, keyMetricsFrom, sendLagSetTail, sendLagWarnings } from '../../harness/results/key-metrics.ts';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { buildGeneratorMetrics } from '../../experiments/workloads/lib/metrics.ts';
import { runOpenLoop, type Completion, type RequestSink } from '../../experiments/workloads/lib/open-loop.ts';
import { fakeRecord } from '../helpers/run-records.ts';

const gen = (lagP99: number, p99: number) => ({ generator: 'kv-open-loop', latency_us: { p50: 10, p99 }, schedule: { send_lag_us: { p50: 1, p99: lagP99, max: lagP99 } } });

/** Answers every request on the next turn of the event loop: a server that is never the bottleneck. */
class InstantSink implements RequestSink {
  send(_conn: number, seq: number, done: Completion): void {
    setImmediate(() => done(seq, 'ok'));
  }
}

describe('send lag key metric and warning', () => {
  it('takes the worst send lag p99 of the clients as send_lag_p99_us', () => {
    expect(keyMetricsFrom([gen(30, 100), gen(70, 200), { achieved_rps: 5 }])).toMatchObject({ send_lag_p99_us: 70, p99_us: 200 });
    expect(keyMetricsFrom([{ achieved_rps: 5 }])).not.toHaveProperty('send_lag_p99_us');
  });

  it('warns only above 10 % of the latency p99, naming the generator and both figures', () => {
    expect(SEND_LAG_TAIL_SHARE).toBe(0.1);
    expect(sendLagWarnings([gen(10, 100)])).toEqual([]);
    expect(sendLagWarnings([gen(0, 0), { latency_us: { p99: 5 } }, null])).toEqual([]);
    const [w, ...rest] = sendLagWarnings([gen(11, 100), gen(1, 100)]);
    expect(rest).toEqual([]);
    expect(w).toBe('kv-open-loop: send lag p99 11 µs is 11 % of latency p99 100 µs (over 10 %): the generator, not the server, set the tail (a busy or slow load generator; see docs/measurement.md "Statistics")');
    expect(sendLagSetTail({ send_lag_p99_us: 11, p99_us: 100 })).toBe(true);
    // A generator that ran with V8's parallel GC is told the flag that removes that cause; single-threaded is not.
    const withGc = (gc: string) => ({ ...gen(11, 100), schedule: { ...gen(11, 100).schedule, gc } });
    expect(sendLagWarnings([withGc('parallel')])[0]).toBe(`${w}; it collected garbage with V8's helper threads: start it with \`node --single-threaded-gc\` (docs/measurement-floor.md "GC on the generator's main thread")`);
    expect(sendLagWarnings([withGc('single-threaded')])).toEqual([w]);
    expect(sendLagSetTail({ send_lag_p99_us: 10, p99_us: 100 })).toBe(false);
    expect(sendLagSetTail({ p99_us: 100 })).toBe(false);
  });

  it('fires on a generator whose own event loop is made to fall behind, and the summary says so', async () => {
    // Block the generator for 150 ms, 100 ms into the measurement: the server is instant, so every bit of
    // the tail is the generator's lateness.
    const blocker = setTimeout(() => {
      const end = performance.now() + 150;
      while (performance.now() < end) {
        // block
      }
    }, 200);
    const r = await runOpenLoop({ rate: 1000, durationS: 0.6, warmupS: 0.1, arrival: 'constant', seed: 1, connections: 2, timeoutMs: 500 }, new InstantSink());
    clearTimeout(blocker);
    const metrics = buildGeneratorMetrics({ workload: 'kv', generator: 'kv-open-loop', arrival: 'constant', connections: 2, durationS: 0.6, warmupS: 0.1, seed: 1, target: 'x' }, r);
    expect(metrics.schedule.send_lag_us.p99).toBeGreaterThan(50_000);
    const warnings = sendLagWarnings([metrics]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^kv-open-loop: send lag p99 \d+ µs is \d+ % of latency p99 \d+ µs .*the generator, not the server, set the tail/);

    const key = keyMetricsFrom([metrics]);
    const runs = [fakeRecord({ mode: 'baseline', repetition: 0, metrics: key }), fakeRecord({ mode: 'baseline', repetition: 1, metrics: { ...key, send_lag_p99_us: 0 } })];
    const group = summarizeRuns(runs, { suite: 'overhead', descriptor: 'x.yaml' }).groups[0]!;
    expect(group.metrics.send_lag_p99_us!.direction).toBe('lower-is-better');
    expect(group.warnings).toContain('1 of 2 runs have a send lag p99 over 10 % of their latency p99: the generator, not the server, set the tail');
  });
});
