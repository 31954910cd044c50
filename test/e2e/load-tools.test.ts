// The catalog suite experiments/configs/experiments/load-tools.yaml, run for real with `harness run`:
// stock tools (redis-benchmark, wrk, httperf --rate) through their result adapters, YAML only, give
// summary.json throughput, latency percentiles, CPU per request and overhead rows like the
// project's own generators. The agent is the reference observer (the test double for the real agent).
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import type { SuiteSummary } from '../../harness/report/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { TempProject } from '../helpers/temp-project.ts';

const WORKLOADS = { 'kv-redis-benchmark': [6393], 'lb-wrk': [8480, 8481, 8482, 8483], 'lb-httperf': [8580, 8581, 8582, 8583] };
let project: TempProject;

// A shipped file with each of its fixed ports replaced by a free one.
async function withFreePorts(rel: string, ports: readonly number[]): Promise<string> {
  let text = readFileSync(path.join(PACKAGE_ROOT, rel), 'utf8');
  for (const p of ports) {
    const re = new RegExp(`\\b${p}\\b`, 'g');
    expect(re.test(text), `${rel} has port ${p}`).toBe(true);
    text = text.replace(re, String(await freePort()));
  }
  return text;
}

beforeAll(async () => {
  project = new TempProject('harness-load-tools-');
  for (const rel of ['experiments/workloads', 'experiments/agents', 'package.json']) project.copyFromProject(rel);
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(project.root, 'node_modules'));
  for (const [name, ports] of Object.entries(WORKLOADS)) project.workload(name, await withFreePorts(`experiments/configs/workloads/${name}.yaml`, ports));
  // One repetition here (the shipped suite has two): every mode still gets an overhead row. Whether a
  // run on a busy machine is a valid measurement is not this test's question (a CI run beside other
  // work once saw httperf achieve 87.6 % of its offered 200 req/s): the validity gates are relaxed.
  const suite = (await withFreePorts('experiments/configs/experiments/load-tools.yaml', [9106])).replaceAll(
    '    repetitions: 2\n',
    '    repetitions: 1\n    validity: { max_error_ratio: 1, min_achieved_ratio: 0, reject_saturated: false }\n',
  );
  expect(suite.match(/validity:/g)).toHaveLength(3);
  project.suite('load-tools', suite);
}, 60_000);
afterAll(() => project.dispose());

describe('load-tools suite: third-party tools through result adapters', () => {
  it('runs every workload × mode and summarizes throughput, latency, CPU per request and overhead', async () => {
    const summaryFile = path.join(project.root, 'summary.json');
    const run = await runCli(['run', '--suite', 'load-tools', '--artifacts', path.join(project.root, 'out'), '--summary', summaryFile], { cwd: project.root, env: { HARNESS_REPORTS_DIR: path.join(project.root, 'reports') }, timeout: 420_000 });
    expect(run.exitCode, run.all).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SuiteSummary;
    expect(summary.runs).toMatchObject({ total: 9, passed: 9, failed: 0 });
    for (const workload of Object.keys(WORKLOADS)) {
      for (const mode of ['baseline', 'perf', 'microsentinel']) {
        const g = summary.groups.find((x) => x.workload === workload && x.mode === mode);
        expect(g, `${workload}/${mode}`).toBeDefined();
        expect(g!.metrics.throughput_rps!.median, `${workload}/${mode} throughput`).toBeGreaterThan(0);
        expect(g!.metrics.p50_us!.median, `${workload}/${mode} p50`).toBeGreaterThan(0);
        expect(g!.metrics.server_cpu_us_per_req!.median, `${workload}/${mode} CPU/request`).toBeGreaterThan(0);
      }
      const overhead = summary.overhead.filter((o) => o.workload === workload);
      expect(overhead.map((o) => `${o.mode}:${o.metric}`)).toEqual(expect.arrayContaining(['perf:throughput_rps', 'perf:server_cpu_us_per_req', 'microsentinel:throughput_rps', 'microsentinel:server_cpu_us_per_req']));
    }
    // Closed-loop tools give p99 and say they are closed loop; httperf is open loop and prints no p99.
    for (const closed of ['kv-redis-benchmark', 'lb-wrk']) {
      const g = summary.groups.find((x) => x.workload === closed && x.mode === 'baseline')!;
      expect(g.metrics.p99_us!.median).toBeGreaterThan(0);
      expect(g.warnings.join('\n')).toMatch(/measured in a closed loop: latency is under coordinated omission/);
    }
    const open = summary.groups.find((x) => x.workload === 'lb-httperf' && x.mode === 'baseline')!;
    expect(open.warnings.join('\n')).not.toMatch(/closed loop/);
    expect(open.absent_metrics).toEqual(['p99_us']);
  }, 480_000);
});
