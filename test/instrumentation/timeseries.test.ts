import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import client from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExposition, parseLabels, toOpenMetrics } from '../../harness/instrumentation/openmetrics.ts';
import { PrometheusScraper } from '../../harness/instrumentation/prometheus-scraper.ts';
import { renderRunCommands } from '../../harness/plan/render-run.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { executeFirstRun } from '../helpers/first-run.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { dumpSamples, importOpenMetrics } from '../helpers/promtool.ts';

const EXPOSITION = (n: number): string => `# HELP jobs_total Jobs "done" \\\\ so far
# TYPE jobs_total counter
jobs_total{queue="a b",path="x}y"} ${n}
# TYPE temp gauge
temp ${n / 2}
# TYPE lat histogram
lat_bucket{le="1"} ${n}
lat_bucket{le="+Inf"} ${n + 1}
lat_sum ${n * 3}
lat_count ${n + 1}
# TYPE odd counter
odd ${n}
`;

describe('OpenMetrics dump', () => {
  it('parses samples with their family and labels, quotes and braces inside values included', () => {
    const { families, samples } = parseExposition(EXPOSITION(4));
    expect(families.get('jobs_total')).toMatchObject({ type: 'counter', help: 'Jobs "done" \\\\ so far' });
    expect(samples.map((s) => `${s.family}:${s.name}`)).toEqual(['jobs_total:jobs_total', 'temp:temp', 'lat:lat_bucket', 'lat:lat_bucket', 'lat:lat_sum', 'lat:lat_count', 'odd:odd']);
    expect(parseLabels(samples[0]!.labels)).toEqual({ queue: 'a b', path: 'x}y' });
  });

  it('writes each family once, its metric points in time order, counters renamed as OpenMetrics wants', () => {
    const om = toOpenMetrics([{ atMs: 2000, text: EXPOSITION(2) }, { atMs: 1000, text: EXPOSITION(1) }]);
    expect(om).toMatchObject({ series: 7, samples: 14 });
    const lines = om.text.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('# TYPE'))).toEqual(['# TYPE jobs counter', '# TYPE temp gauge', '# TYPE lat histogram', '# TYPE odd unknown']);
    expect(lines).toContain('# HELP jobs Jobs \\"done\\" \\\\ so far');
    expect(lines.filter((l) => l.startsWith('lat_'))).toEqual([
      'lat_bucket{le="1"} 1 1.000', 'lat_bucket{le="+Inf"} 2 1.000', 'lat_sum 3 1.000', 'lat_count 2 1.000',
      'lat_bucket{le="1"} 2 2.000', 'lat_bucket{le="+Inf"} 3 2.000', 'lat_sum 6 2.000', 'lat_count 3 2.000',
    ]);
    expect(lines.at(-1)).toBe('# EOF');
  });
});

describe('PrometheusScraper', () => {
  let dir: string;
  let server: http.Server;
  let url: string;
  const registry = new client.Registry();
  const ticks = new client.Counter({ name: 'ticks_total', help: 'Scrapes served', labelNames: ['kind'], registers: [registry] });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'scrape-'));
    client.collectDefaultMetrics({ register: registry });
    server = http.createServer((_, res) => {
      ticks.labels('served').inc();
      void registry.metrics().then((text) => res.end(text));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    registry.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes at its interval until stopped and dumps every scrape with its timestamp, which promtool imports', async () => {
    const scraper = new PrometheusScraper({ endpoints: [{ name: 'app', url }, { name: 'gone', url: 'http://127.0.0.1:1/metrics' }], intervalMs: 100, artifactDir: dir });
    const before = Date.now();
    scraper.start();
    await new Promise((r) => setTimeout(r, 550));
    const section = (await scraper.stop())!;
    const app = section.endpoints.find((e) => e.name === 'app')!;
    // ~6 on time plus the final one; a loaded machine delays scrapes, it never overlaps them.
    expect(app.scrapes).toBeGreaterThanOrEqual(3);
    expect(app.failures).toBe(0);
    expect(app.file).toBe('prometheus/app.om.txt');
    expect(section.endpoints.find((e) => e.name === 'gone')).toMatchObject({ file: null, scrapes: 0, first_error: expect.stringContaining('fetch failed') });
    const blocks = await importOpenMetrics(path.join(dir, app.file!));
    const samples = await dumpSamples(blocks, '{__name__="ticks_total"}');
    // One sample per scrape, the counter counting the scrapes themselves.
    expect(samples.map((s) => s.value)).toEqual(Array.from({ length: app.scrapes }, (_, i) => i + 1));
    expect(samples[0]!.timestampMs).toBeGreaterThanOrEqual(before - 1);
    expect(samples.at(-1)!.timestampMs).toBe(Date.parse(app.last_at!));
    rmSync(blocks, { recursive: true, force: true });
  });
});

// A microsentinel-mode run with the reference observer (the test double for the MicroSentinel agent).
describe('time series of a run', () => {
  let project: TempProject;
  beforeEach(() => {
    project = new TempProject();
    project.copyFromProject('experiments/agents/reference-observer.toml');
  });
  afterEach(() => project.dispose());

  it('dumps the observer’s metrics across the measurement window; promtool imports the dump and returns the scraped samples', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
    project.workload('tiny', `server:
  name: tiny
  command: node ${programs}/tiny-server.mjs --port {{ports.main}}
  ports: { main: ${port} }
  ready: { tcp: ${port} }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count 40 --interval-ms 25
  timeout_s: 20
`);
    project.suite('s', `workloads:
  - name: tiny
    config: experiments/configs/workloads/tiny.yaml
    modes: [microsentinel]
    overrides:
      instrumentation:
        agent_bin: ${path.join(PACKAGE_ROOT, 'experiments/agents/reference-observer.sh')}
        agent_config: experiments/agents/reference-observer.toml
        metrics_port: ${metricsPort}
        agent_settings: { target.pids: "{{server_pids}}", sampling.samples_per_core: 200 }
        timeseries: { interval_ms: 200 }
        monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`);
    const { session } = await executeFirstRun(project);
    const result = JSON.parse(readFileSync(path.join(session.artifactDir, 'run_result.json'), 'utf8')) as RunResult;
    const observer = result.timeseries!.endpoints[0]!;
    expect(observer).toMatchObject({ name: 'observer', url: `http://127.0.0.1:${metricsPort}/metrics`, file: 'prometheus/observer.om.txt', failures: 0 });
    expect(observer.scrapes).toBeGreaterThanOrEqual(3);
    // The window is the load: the first scrape as the load starts (the time-series stage starts right
    // before the load stage), the last after it ends.
    expect(Date.parse(observer.first_at!)).toBeGreaterThanOrEqual(Date.parse(result.phases.load_start!) - 1000);
    expect(Date.parse(observer.first_at!)).toBeLessThanOrEqual(Date.parse(result.phases.load_end!));
    expect(Date.parse(observer.last_at!)).toBeGreaterThanOrEqual(Date.parse(result.phases.load_end!));
    const file = path.join(session.artifactDir, observer.file!);
    expect(existsSync(file)).toBe(true);
    const blocks = await importOpenMetrics(file);
    const samples = await dumpSamples(blocks, '{__name__="microsentinel_samples_total"}');
    expect(samples).toHaveLength(observer.scrapes);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i]!.timestampMs).toBeGreaterThan(samples[i - 1]!.timestampMs);
      expect(samples[i]!.value).toBeGreaterThanOrEqual(samples[i - 1]!.value);
    }
    expect(samples.at(-1)!.value).toBeGreaterThan(samples[0]!.value);
    rmSync(blocks, { recursive: true, force: true });
  });
});

describe('extra time-series endpoints', () => {
  let project: TempProject;
  beforeEach(() => {
    project = new TempProject();
  });
  afterEach(() => project.dispose());

  it('scrapes a prometheus-node-exporter started as a server process, its URL templated from the workload', async () => {
    const [port, nodePort] = [await freePort(), await freePort()];
    const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
    project.workload('tiny', `servers:
  - name: tiny
    command: node ${programs}/tiny-server.mjs --port {{ports.main}}
    ports: { main: ${port} }
    ready: { tcp: ${port} }
  - name: node-exporter
    role: antagonist
    command: prometheus-node-exporter --web.listen-address={{hosts.server}}:{{ports.node}} --collector.disable-defaults --collector.cpu --collector.loadavg
    ports: { node: ${nodePort} }
    ready: { tcp: ${nodePort} }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count 30 --interval-ms 25
  timeout_s: 20
instrumentation:
  timeseries:
    interval_ms: 250
    endpoints: [{ name: node, url: "http://{{hosts.server}}:{{ports.node}}/metrics" }]
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`);
    project.suite('s', 'workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n');
    const { session } = await executeFirstRun(project);
    const result = JSON.parse(readFileSync(path.join(session.artifactDir, 'run_result.json'), 'utf8')) as RunResult;
    expect(result.timeseries!.interval_ms).toBe(250);
    const node = result.timeseries!.endpoints.find((e) => e.name === 'node')!;
    expect(node).toMatchObject({ url: `http://127.0.0.1:${nodePort}/metrics`, file: 'prometheus/node.om.txt', failures: 0 });
    const dump = readFileSync(path.join(session.artifactDir, node.file!), 'utf8');
    expect(dump).toContain('# TYPE node_cpu_seconds counter');
    expect(dump.match(/^node_load1 /gm)).toHaveLength(node.scrapes);
  });
});

describe('time-series settings', () => {
  it('scrapes nothing with timeseries.enabled: false, and refuses two endpoints writing one dump at load time', () => {
    const project = new TempProject();
    const workload = (second: string): string =>
      `server:\n  name: s\n  command: sleep 30\n  ports: { main: 7000 }\nclients:\n  name: gen\n  generator: echo\ninstrumentation:\n  metrics_port: 9999\n  agent_bin: /bin/true\n  timeseries:\n    endpoints: [{ name: node, url: "http://{{hosts.server}}:{{ports.main}}/metrics" }, { name: ${second}, url: "http://x/metrics" }]\n`;
    try {
      project.workload('tiny', workload('other'));
      project.suite('s', 'workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [microsentinel]\n');
      const on = planSuite('s', { rootDir: project.root }).runs[0]!;
      expect(renderRunCommands(on, { rootDir: project.root, artifactDir: '/a' }).scrapes.endpoints.map((e) => `${e.name} ${e.url}`)).toEqual(['observer http://127.0.0.1:9999/metrics', 'node http://127.0.0.1:7000/metrics', 'other http://x/metrics']);
      project.suite('s', 'workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [microsentinel]\n    overrides:\n      instrumentation: { timeseries: { enabled: false } }\n');
      const off = planSuite('s', { rootDir: project.root }).runs[0]!;
      expect(renderRunCommands(off, { rootDir: project.root, artifactDir: '/a' }).scrapes.endpoints).toEqual([]);
      project.workload('tiny', workload('node'));
      expect(() => planSuite('s', { rootDir: project.root })).toThrow(/tiny.yaml:\d+:\d+ instrumentation.timeseries.endpoints: two time-series endpoints would write prometheus\/node.om.txt/);
    } finally {
      project.dispose();
    }
  });
});
