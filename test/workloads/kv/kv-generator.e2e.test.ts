// Server and open-loop generator as real processes on loopback: the metrics file, rate accuracy,
// and whether the measurement sees what the server was told to do (perturbations, stalls).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectOfferedRateOrExplained } from '../helpers/offered-rate.ts';
import type { GeneratorMetrics } from '../../../experiments/workloads/lib/metrics.ts';
import { KV_GENERATOR, ProcessList, WorkloadProcess, startKvServer } from '../helpers/workload-process.ts';

const procs = new ProcessList();
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kv-gen-'));
});

afterEach(async () => {
  await procs.stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

// Run the generator to completion; returns its metrics (and process, for output checks).
async function generate(port: number, args: string[]): Promise<{ metrics: GeneratorMetrics; gen: WorkloadProcess }> {
  const metricsFile = path.join(tmp, 'metrics', 'kv-gen.json');
  const gen = procs.add(new WorkloadProcess(KV_GENERATOR, ['--port', String(port), '--metrics-file', metricsFile, ...args]));
  const exit = await gen.wait(30_000);
  expect(exit, gen.stderr).toEqual({ code: 0, signal: null });
  return { metrics: JSON.parse(readFileSync(metricsFile, 'utf8')) as GeneratorMetrics, gen };
}

describe('kv generator against the kv server', () => {
  it('writes the metrics JSON and achieves the offered rate within 1 % below saturation, or reports why not', async () => {
    const { port } = await startKvServer(procs);
    const { metrics: m, gen } = await generate(port, ['--rate', '2000', '--duration-s', '2', '--warmup-s', '0.5', '--arrival', 'poisson', '--connections', '4', '--seed', '3']);
    expect(m).toMatchObject({
      schema: 'harness.generator-metrics/v1', workload: 'kv', generator: 'kv-open-loop', arrival: 'poisson',
      connections: 4, duration_s: 2, warmup_s: 0.5, offered_rps: 2000, sent: 4000, errors: 0, timeouts: 0,
      histogram: { encoding: 'hdr-base64' },
    });
    expect(m.completed).toBe(4000);
    expectOfferedRateOrExplained(m);
    expect(m.latency_us.min).toBeGreaterThan(0);
    expect(m.latency_us.p50).toBeLessThanOrEqual(m.latency_us.p99);
    expect(m.latency_us.p99).toBeLessThanOrEqual(m.latency_us.max);
    expect(m.histogram.data.length).toBeGreaterThan(10);
    expect(m.histogram.percentiles.at(-1)).toEqual({ percentile: 100, value_us: m.latency_us.max });
    expect(typeof m.saturated).toBe('boolean');
    expect(m.params).toMatchObject({ keys: 10000, preloaded: 10000 });
    expect(m.timeline.map((e) => e.t_s)).toEqual([0, 1]);
    expect(m.timeline.reduce((a, e) => a + e.offered, 0)).toBe(4000);
    expect(m.timeline.reduce((a, e) => a + e.achieved, 0)).toBe(4000);
    expect(m.schedule.send_lag_us.p99).toBeGreaterThanOrEqual(m.schedule.send_lag_us.p50);
    expect(m.schedule.gc).toBe('parallel'); // plain `node`: V8's GC helper threads (the catalog adds --single-threaded-gc)
    expect(gen.stdout.trim().split('\n')).toHaveLength(1);
    expect(gen.stdout).toMatch(/^kv-open-loop: offered 2000 req\/s, achieved [\d.]+ req\/s, sent 4000/);
  });

  it('sees 1000 µs perturbations of 10 % of requests in p95 but not p50; the truth log counts them', async () => {
    const truth = path.join(tmp, 'truth', 'kv.jsonl');
    const { server, port } = await startKvServer(procs, ['--delta-us', '1000', '--delta-fraction', '0.1', '--seed', '11', '--truth-file', truth]);
    const { metrics: m } = await generate(port, ['--rate', '500', '--duration-s', '2', '--warmup-s', '0.3', '--keys', '200', '--seed', '5']);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(m.completed).toBe(1000);
    // Not in p50, unless a busy machine delayed the generator, which the run must then say.
    if (m.latency_us.p50 >= 1000) expect(m.notes.join('\n'), `p50 ${m.latency_us.p50} µs`).toMatch(/generator saturated|latencies include generator scheduling delay/);
    expect(m.latency_us.p95).toBeGreaterThanOrEqual(1000);
    const lines = readFileSync(truth, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
    const summary = lines.at(-1)!;
    // preload (200) + warm-up (150) + measured (1000) keyed requests
    expect(summary).toMatchObject({ type: 'summary', requests: 1350 });
    expect(lines.filter((l) => l.type === 'perturbation')).toHaveLength(summary.perturbed as number);
    const share = (summary.perturbed as number) / (summary.requests as number);
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });

  it('shows a server that stalls 200 ms once a second in p99 (open loop keeps sending through the stall)', async () => {
    const { port } = await startKvServer(procs, ['--stall-ms', '200', '--stall-every-ms', '1000']);
    const { metrics: m } = await generate(port, ['--rate', '1000', '--duration-s', '2', '--warmup-s', '0.2', '--keys', '100']);
    expect(m.sent).toBe(2000);
    expect(m.latency_us.p99).toBeGreaterThanOrEqual(100_000);
    expect(m.latency_us.p50).toBeLessThan(100_000);
    // The server's stall never makes the generator saturated (200 requests await replies, none await
    // sending); only a busy machine delaying the generator's own sends may, and its send lag shows it.
    if (m.saturated) expect(m.schedule.send_lag_us.p99, `saturated: ${m.notes.join('; ')}`).toBeGreaterThan(5_000);
  });

  it('--realtime runs the generator SCHED_FIFO (it checks the policy took) and says so in the metrics', async () => {
    const { port } = await startKvServer(procs);
    const { metrics: m } = await generate(port, ['--rate', '500', '--duration-s', '0.5', '--warmup-s', '0.1', '--keys', '100', '--realtime']);
    expect(m).toMatchObject({ sent: 250, completed: 250, schedule: { realtime: true } });
  });

  it('exits 1 with a clear message when nothing listens on the port', async () => {
    const { server, port } = await startKvServer(procs);
    await server.stop(); // the port is now closed
    const gen = procs.add(new WorkloadProcess(KV_GENERATOR, ['--port', String(port), '--rate', '10', '--metrics-file', path.join(tmp, 'm.json')]));
    expect((await gen.wait(15_000)).code).toBe(1);
    expect(gen.stderr).toMatch(new RegExp(`^error: cannot connect to kv server at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('rejects bad flags with exit 2 and a usage line', async () => {
    const gen = procs.add(new WorkloadProcess(KV_GENERATOR, ['--port', '1', '--rate', '10', '--metrics-file', 'x', '--arrival', 'bursty']));
    expect((await gen.wait(15_000)).code).toBe(2);
    expect(gen.stderr).toMatch(/^error: --arrival must be one of constant\|poisson, got 'bursty'; usage: kv-generator /);
  });
});
