// The UDP service chain (firewall → NAT → monitor → sink) and its open-loop generator as real processes
// on loopback: deliveries, per-stage drops (exact counts with round-robin flows), truth files, metrics.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectOfferedRateOrExplained } from '../helpers/offered-rate.ts';
import type { GeneratorMetrics } from '../../../experiments/workloads/lib/metrics.ts';
import { ProcessList, WorkloadProcess } from '../helpers/workload-process.ts';
import { NFV_GENERATOR, startChain, stopChain, type Chain } from './nfv-processes.ts';

const procs = new ProcessList();
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nfv-'));
});

afterEach(async () => {
  await procs.stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

async function generate(port: number, args: string[]): Promise<{ metrics: GeneratorMetrics; gen: WorkloadProcess }> {
  const metricsFile = path.join(tmp, 'metrics', 'nfv-gen.json');
  const gen = procs.add(new WorkloadProcess(NFV_GENERATOR, ['--port', String(port), '--metrics-file', metricsFile, ...args]));
  const exit = await gen.wait(30_000);
  expect(exit, gen.stderr).toEqual({ code: 0, signal: null });
  return { metrics: JSON.parse(readFileSync(metricsFile, 'utf8')) as GeneratorMetrics, gen };
}

type Json = Record<string, unknown>;
const readTruth = (chain: Chain, stage: string): Json => JSON.parse(readFileSync(chain.truth(stage), 'utf8')) as Json;

// Six flows, protocols udp,tcp and ports 80,443,22 cycled: flow f = seq mod 6 → port [80,443,22][f mod 3].
const SIX_FLOWS = ['--flows', '6', '--flow-dist', 'rr', '--protocols', 'udp,tcp', '--dst-ports', '80,443,22', '--arrival', 'constant'];
// Measured packets have seq warm-up … warm-up + measured − 1; how many belong to the given flows.
function measuredOf(flows: number[], warmup: number, measured: number): number {
  let n = 0;
  for (let seq = warmup; seq < warmup + measured; seq++) if (flows.includes(seq % 6)) n++;
  return n;
}

describe('nfv chain', () => {
  it('delivers every allowed packet at the offered rate (within 1 %, or it reports why not), with the metrics JSON and stage truth files', async () => {
    const chain = await startChain(procs, { dir: tmp });
    // --spin-us 0: on this shared 2-CPU machine the busy-poll would take a core from the four stages.
    const { metrics: m, gen } = await generate(chain.port, ['--rate', '1000', '--duration-s', '2', '--warmup-s', '0.5', '--flows', '16', '--seed', '4', '--spin-us', '0']);
    expect(m).toMatchObject({
      schema: 'harness.generator-metrics/v1', workload: 'nfv', generator: 'nfv-open-loop', arrival: 'poisson', connections: 2,
      duration_s: 2, warmup_s: 0.5, offered_rps: 1000, sent: 2000, completed: 2000, dropped: 0, errors: 0, timeouts: 0,
      target: `127.0.0.1:${chain.port}`, histogram: { encoding: 'hdr-base64', unit: 'us' },
      params: { unit: 'packets', flows: 16, delivered: 2000, lost: 0, flows_delivered: 16, 'dropped.firewall': 0, 'dropped.nat': 0, 'dropped.monitor': 0, 'dropped.sink': 0 },
    });
    expectOfferedRateOrExplained(m);
    expect(m.latency_us.min).toBeGreaterThan(0);
    expect(m.latency_us.p50).toBeLessThanOrEqual(m.latency_us.p99);
    expect(m.histogram.percentiles.at(-1)).toEqual({ percentile: 100, value_us: m.latency_us.max });
    expect(gen.stdout).toMatch(/^nfv-open-loop: offered 1000 req\/s, achieved [\d.]+ req\/s, sent 2000, completed 2000/);

    expect(await stopChain(chain)).toEqual(Array(4).fill({ code: 0, signal: null }));
    const total = 2500; // warm-up + measured: the stages see both
    for (const stage of ['firewall', 'nat', 'monitor']) expect(readTruth(chain, stage), stage).toMatchObject({ stage, received: total, forwarded: total, malformed: 0 });
    const sink = readTruth(chain, 'sink');
    expect(sink).toMatchObject({ received: total, delivered: total, flows_delivered: 16, anomalies: { skipped_stage: 0, not_translated: 0 } });
    // One-way latency across processes: both clocks are µs-precise epoch clocks, so none comes out negative (0).
    const oneWay = sink.one_way_latency_us as Record<string, number>;
    expect(oneWay.min).toBeGreaterThan(0);
    expect(oneWay.p50).toBeLessThan(m.latency_us.p50 + 1000); // the generator's figure adds the ack's way back
    // NAT rewrote every source: the monitor counts 16 flows, all from the public address.
    const monitor = readTruth(chain, 'monitor');
    expect(monitor.flows).toBe(16);
    expect((monitor.flows_listed as Json[]).every((f) => f.src === '203.0.113.1')).toBe(true);
    expect(readTruth(chain, 'nat')).toMatchObject({ translated: total, mappings: 16 });
  });

  it('drops denied flows at the firewall and reports exact per-stage drop counts, NAT pool exhaustion included', async () => {
    // Only two NAT ports: the first two flows NAT sees (0 and 1) get them; flows 3 and 4 are dropped there.
    const chain = await startChain(procs, { dir: tmp, firewall: ['--rule', 'deny dst_port=22'], nat: ['--nat-ports', '20000-20001'] });
    const { metrics: m } = await generate(chain.port, ['--rate', '500', '--duration-s', '1', '--warmup-s', '0.2', ...SIX_FLOWS]);
    const denied = measuredOf([2, 5], 100, 500);
    const natDropped = measuredOf([3, 4], 100, 500);
    expect(m).toMatchObject({ sent: 500, completed: 500 - denied - natDropped, dropped: denied + natDropped, errors: 0, timeouts: 0 });
    expect(m.params).toMatchObject({
      'dropped.firewall': denied, 'dropped.firewall.deny': denied,
      'dropped.nat': natDropped, 'dropped.nat.nat_pool_exhausted': natDropped,
      'dropped.monitor': 0, 'dropped.sink': 0, flows_delivered: 2,
    });
    expect(m.notes).toContain(`${denied + natDropped} requests were dropped on purpose by the system under test (not errors)`);
    // Drops were answered: the chain kept up (a late answered rate is only acceptable when the generator itself fell behind).
    if (!m.saturated) expect(m.notes.join('\n')).not.toMatch(/responses lagged/);

    await stopChain(chain);
    const all = (flows: number[]): number => measuredOf(flows, 0, 600);
    expect(readTruth(chain, 'firewall')).toMatchObject({ received: 600, forwarded: 600 - all([2, 5]), dropped: { deny: all([2, 5]) }, denied: all([2, 5]) });
    expect(readTruth(chain, 'nat')).toMatchObject({ received: 600 - all([2, 5]), dropped: { nat_pool_exhausted: all([3, 4]) }, mappings: 2 });
    expect(readTruth(chain, 'sink')).toMatchObject({ delivered: all([0, 1]) });
  });

  it('records sampled firewall decisions in truth/firewall.json, capped at the truth limit', async () => {
    const chain = await startChain(procs, { dir: tmp, firewall: ['--rule', 'deny dst_port=22', '--truth-sample', '0.5', '--truth-limit', '30', '--seed', '9'] });
    await generate(chain.port, ['--rate', '500', '--duration-s', '0.4', '--warmup-s', '0', ...SIX_FLOWS]);
    await stopChain(chain);
    const fw = readTruth(chain, 'firewall');
    const truth = fw.truth as Json;
    expect(truth).toMatchObject({ events: 200, recorded: 30, sample: 0.5, limit: 30 });
    expect(truth.sampled as number).toBeGreaterThan(70);
    expect(truth.sampled as number).toBeLessThan(130);
    expect(truth.dropped_over_limit).toBe((truth.sampled as number) - 30);
    expect(fw.rules).toEqual([{ index: 0, rule: 'deny dst_port=22', hits: measuredOf([2, 5], 0, 200) }]);
    const decisions = fw.decisions as Json[];
    expect(decisions).toHaveLength(30);
    expect(decisions.map((d) => d.n)).not.toEqual(Array.from({ length: 30 }, (_, i) => i + 1)); // a sample, not the first 30
    for (const d of decisions) {
      expect(d.flow).toBe((d.seq as number) % 6);
      expect(d).toMatchObject(d.dst_port === 22 ? { action: 'deny', rule: 0 } : { action: 'allow', rule: -1 });
      expect(d).toMatchObject({ src: `10.0.0.${(d.flow as number) + 1}`, dst: '192.0.2.10', proto: (d.flow as number) % 2 === 0 ? 'udp' : 'tcp' });
    }
  });

  it('counts packets lost without a word as timeouts and says where to look', async () => {
    const chain = await startChain(procs, { dir: tmp });
    await chain.stages.firewall.stop(); // nothing listens on the first stage's port any more
    const { metrics: m } = await generate(chain.port, ['--rate', '200', '--duration-s', '0.5', '--warmup-s', '0', '--timeout-ms', '300']);
    expect(m).toMatchObject({ sent: 100, completed: 0, dropped: 0, timeouts: 100 });
    expect(m.notes.join('\n')).toMatch(/no packet came back from 127\.0\.0\.1:\d+: is the chain listening there/);
  });

  it('rejects bad rules (exit 1) and bad flags (exit 2)', async () => {
    const fw = procs.add(new WorkloadProcess('experiments/workloads/nfv/firewall.ts', ['--port', '0', '--next-port', '9', '--rule', 'deny port=22']));
    expect((await fw.wait(15_000)).code).toBe(1);
    expect(fw.stderr).toMatch(/^error: bad firewall rules: rule 1 'deny port=22': unknown field 'port'/);
    const gen = procs.add(new WorkloadProcess(NFV_GENERATOR, ['--port', '9', '--rate', '10', '--metrics-file', 'x', '--protocols', 'sctp']));
    expect((await gen.wait(15_000)).code).toBe(2);
    expect(gen.stderr).toMatch(/^error: --protocols: unknown protocol 'sctp'; usage: nfv-generator /);
  });
});
