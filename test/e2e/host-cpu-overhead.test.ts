// The overhead suite's summary has a host-CPU-per-request overhead row (server + observer + monitors)
// beside the server's, for perf and microsentinel (the reference observer: the test double for the
// MicroSentinel agent). Real processes, the shipped overhead suite's kv entry with short durations.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SuiteSummary } from '../../harness/report/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { kvOverheadProject, type TempProject } from '../helpers/temp-project.ts';

let project: TempProject;

beforeAll(async () => {
  const made = await kvOverheadProject('harness-host-cpu-');
  project = made.project;
  const overhead = made.overhead
    .replace('duration_s: 2', 'duration_s: 1')
    .replace('warmup_s: 2', 'warmup_s: 0.5')
    .replace('rate: 6000', 'rate: 1000')
    // Whether a run on a busy machine is a valid measurement is not this test's question.
    .replace('    repetitions: 5\n', '    repetitions: 1\n    validity: { max_error_ratio: 1, min_achieved_ratio: 0, reject_saturated: false }\n');
  project.suite('ov', overhead);
}, 60_000);
afterAll(() => project?.dispose());

it('has host and server CPU-per-request overhead rows for perf and microsentinel, and the observer\'s own CPU per request', async () => {
  const reports = path.join(project.root, 'reports');
  const res = await runCli(['run', '--suite', 'ov', '--artifacts', path.join(project.root, 'artifacts')], { cwd: project.root, env: { HARNESS_REPORTS_DIR: reports }, timeout: 240_000 });
  const summary = JSON.parse(readFileSync(path.join(reports, 'summary.json'), 'utf8')) as SuiteSummary;
  expect(summary.runs.passed, res.all).toBe(3);
  for (const mode of ['perf', 'microsentinel']) {
    for (const metric of ['host_cpu_us_per_req', 'server_cpu_us_per_req']) {
      const row = summary.overhead.find((o) => o.mode === mode && o.metric === metric);
      expect(row, `${mode} ${metric}`).toMatchObject({ workload: 'kv', direction: 'lower-is-better', blocks: 1 });
      expect(typeof row!.percent).toBe('number');
    }
    const g = summary.groups.find((x) => x.mode === mode)!;
    // The host pays at least the server's and the observer's CPU.
    expect(g.metrics.host_cpu_us_per_req!.median).toBeGreaterThanOrEqual(g.metrics.server_cpu_us_per_req!.median + g.metrics.observer_cpu_us_per_req!.median - 0.01);
    expect(g.metrics.observer_cpu_us_per_req!.median).toBeGreaterThan(0);
  }
  expect(summary.groups.find((x) => x.mode === 'baseline')!.metrics.observer_cpu_us_per_req).toBeUndefined();
}, 300_000);
