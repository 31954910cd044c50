import { readFileSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import type { SuiteSummary } from '../../harness/report/summary.ts';
import { ClickHouseServer } from '../helpers/clickhouse.ts';
import { runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { cellProblems, displayedJson, executeNotebook, printed } from '../helpers/nbconvert.ts';
import { dumpSamples, importOpenMetrics } from '../helpers/promtool.ts';

// The whole path a user takes: `harness run` (kv, baseline and microsentinel with the reference
// observer, the test double for the agent) → `harness ingest` into ClickHouse 18.16 → `harness
// notebook <suite execution ID>` → nbconvert; the notebook's overhead table equals summary.json.
let project: TempProject;
const server = new ClickHouseServer();
beforeAll(async () => {
  project = new TempProject('harness-analysis-');
  // The workloads run from this root as they do from the checkout: its package.json (ESM) and node_modules.
  for (const rel of ['experiments/workloads', 'experiments/agents', 'package.json']) project.copyFromProject(rel);
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(project.root, 'node_modules'));
  const kv = readFileSync(path.join(PACKAGE_ROOT, 'experiments/configs/workloads/kv.yaml'), 'utf8');
  project.workload('kv', kv.replace(/kv: 6390/, `kv: ${await freePort()}`));
  project.suite('analysis', `workloads:
  - name: kv
    config: experiments/configs/workloads/kv.yaml
    modes: [baseline, microsentinel]
    repetitions: 3
    overrides:
      workload: { settings: { rate: 300, duration_s: 1.5, warmup_s: 0.2, connections: 2, delta_us: 100, delta_fraction: 0.05 } }
      instrumentation:
        agent_bin: experiments/agents/reference-observer.sh
        agent_config: experiments/agents/reference-observer.toml
        metrics_port: ${await freePort()}
        agent_settings: { target.pids: "{{server_pids}}", sampling.samples_per_core: 200 }
        timeseries: { interval_ms: 250 }
    validity: { min_achieved_ratio: 0.5 }
`);
  await server.start();
}, 60_000);
afterAll(async () => {
  await server.stop();
  project.dispose();
});

describe('from a suite run to its notebook', () => {
  it('runs, ingests, and rebuilds the overhead table and the observer’s time series from the suite execution ID', async () => {
    const artifacts = path.join(project.root, 'out');
    const summaryFile = path.join(project.root, 'summary.json');
    const run = await runCli(['run', '--suite', 'analysis', '--artifacts', artifacts, '--summary', summaryFile], { cwd: project.root, env: { HARNESS_REPORTS_DIR: path.join(project.root, 'reports') }, timeout: 300_000 });
    expect(run.exitCode, run.all).toBe(0);
    const id = /suite execution (\S+): analysis, 6 runs/.exec(run.all!)?.[1];
    expect(id, run.all).toBeDefined();
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SuiteSummary;
    expect(summary.suite_execution_ids).toEqual([id]);

    // A microsentinel run's Prometheus dump imports with promtool; the block holds every scrape.
    const observed = readdirSync(artifacts).find((d) => d.includes('_microsentinel_'))!;
    const result = JSON.parse(readFileSync(path.join(artifacts, observed, 'run_result.json'), 'utf8')) as { timeseries: { endpoints: { file: string; scrapes: number }[] } };
    const blocks = await importOpenMetrics(path.join(artifacts, observed, result.timeseries.endpoints[0]!.file));
    expect(await dumpSamples(blocks, '{__name__="microsentinel_samples_total"}')).toHaveLength(result.timeseries.endpoints[0]!.scrapes);

    const ingest = await runCli(['ingest', artifacts, '--clickhouse', server.url], { cwd: project.root });
    expect(ingest.exitCode, ingest.all).toBe(0);
    expect(ingest.stdout).toMatch(/ingested 6 runs .*latency_buckets \d+.*timeseries \d+.*truth_events \d+/);
    const out = path.join(project.root, 'analysis.ipynb');
    const nbRun = await runCli(['notebook', id!, '--clickhouse', server.url, '--out', out], { cwd: project.root });
    expect(nbRun.exitCode, nbRun.all).toBe(0);
    const nb = await executeNotebook(out);
    expect(cellProblems(nb)).toEqual([]);

    const overhead = displayedJson(nb).overhead as { mode: string; metric: string; percent: number; blocks: number; ci_low: number; ci_high: number }[];
    // One mode against baseline: throughput, p50, p99 and CPU per request (no rate search, so no capacity).
    expect(summary.overhead.map((o) => o.metric).sort()).toEqual(['host_cpu_us_per_req', 'p50_us', 'p99_us', 'server_cpu_us_per_req', 'throughput_rps']);
    for (const o of summary.overhead) {
      const row = overhead.find((r) => r.mode === o.mode && r.metric === o.metric);
      // A percentile the generator's floor could set has no number in summary.json (docs/measurement-floor.md); the notebook does not judge floors.
      if (o.percent === null) continue;
      expect(row, `notebook overhead row for ${o.mode} ${o.metric}`).toBeDefined();
      if (!row) continue;
      expect(row.blocks).toBe(o.blocks);
      // summary.json rounds to 6 significant digits.
      expect(Number(row.percent.toPrecision(6))).toBeCloseTo(o.percent, 6);
      expect([Number(row.ci_low.toPrecision(6)), Number(row.ci_high.toPrecision(6))]).toEqual([o.ci95!.low, o.ci95!.high]);
    }
    const text = printed(nb);
    expect(text).toContain(`suite execution ${id}; 6 runs (6 passed)`);
    expect(text).toMatch(/(\d+) time-series figures; sources: .*prometheus:observer/);
    expect(Number(/(\d+) time-series figures/.exec(text)![1])).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
