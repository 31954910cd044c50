// The overhead suite's overhead_pct expectations get the same verdicts whatever the run order and
// however the suite is split: baselines come from the artifacts folder (not from the worker that
// happened to run them), files run in execution order, random order puts each block's baseline
// first, and `harness merge` judges what a shard could not. Real processes: the kv workload, perf
// and the reference observer (the test double for the MicroSentinel agent), with short durations.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvOverheadProject, type TempProject } from '../helpers/temp-project.ts';
import { runCli } from '../helpers/cli.ts';

let project: TempProject;

beforeAll(async () => {
  // The kv entry only: the kv-capacity entry's rate search (minutes per run) judges nothing here.
  const made = await kvOverheadProject('harness-orders-');
  project = made.project;
  const overhead = made.overhead
    .replace('duration_s: 2', 'duration_s: 0.4')
    .replace('warmup_s: 0.5', 'warmup_s: 0.1')
    .replace('rate: 2000', 'rate: 500')
    // Only the overhead expectations decide here: validity gates are relaxed so a busy machine cannot flip a verdict.
    // One expectation no run can meet and one every run meets, both needing the block's baseline.
    .replace(
      '    repetitions: 5\n',
      '    repetitions: 2\n    validity: { max_error_ratio: 1, min_achieved_ratio: 0, reject_saturated: false }\n    expect: { overhead_pct.completed: { min: 1000 }, overhead_pct.p99_us: { max: 1000000000 } }\n',
    );
  for (const order of ['interleaved', 'blocked', 'random']) project.suite(`ov-${order}`, overhead.replace('order: interleaved', `order: ${order}\nseed: 3`));
}, 60_000);
afterAll(() => project?.dispose());

type Summary = { runs: { total: number }; failures: { name: string; kind: string; message: string }[] };

// name → "passed" or the overhead expectations the run failed.
function verdicts(reports: string): Record<string, string> {
  const summary = JSON.parse(readFileSync(path.join(reports, 'summary.json'), 'utf8')) as Summary;
  const names = ['baseline', 'perf', 'microsentinel'].flatMap((m) => [0, 1].map((rep) => `kv/${m}/rate_scan.samples_per_core=1000/${rep}`));
  expect(summary.runs.total).toBe(names.length);
  return Object.fromEntries(
    names.map((name) => {
      const failure = summary.failures.find((f) => f.name === name);
      return [name, failure ? `${failure.kind}: ${[...failure.message.matchAll(/expected (overhead_pct\S*)/g)].map((m) => m[1]).join(', ')}` : 'passed'];
    }),
  );
}

async function runSuite(suite: string, out: string, extra: string[] = []): Promise<void> {
  const res = await runCli(['run', '--suite', suite, '--artifacts', path.join(project.root, out, 'artifacts'), ...extra], { cwd: project.root, env: { HARNESS_REPORTS_DIR: path.join(project.root, out, 'reports') }, timeout: 240_000 });
  expect(res.exitCode, res.all).not.toBe(2);
  expect(res.all).not.toMatch(/Error: Failed to load|failed to load/);
}

describe('overhead expectations under every order', () => {
  it('gives the same verdicts interleaved, blocked, random and sharded + merged', async () => {
    await runSuite('ov-interleaved', 'interleaved');
    const expected = verdicts(path.join(project.root, 'interleaved/reports'));
    // The expectation is judged: every mode run fails it against its own block's baseline, baselines pass.
    for (const [name, v] of Object.entries(expected)) expect(v, name).toBe(name.includes('/baseline/') ? 'passed' : 'invalid: overhead_pct.completed');

    await runSuite('ov-blocked', 'blocked');
    expect(verdicts(path.join(project.root, 'blocked/reports'))).toEqual(expected);
    await runSuite('ov-random', 'random');
    expect(verdicts(path.join(project.root, 'random/reports'))).toEqual(expected);

    // Blocked order splits a block over files, and the shards over processes and artifact folders.
    await runSuite('ov-blocked', 'shard1', ['--shard', '1/2']);
    await runSuite('ov-blocked', 'shard2', ['--shard', '2/2']);
    const merged = await runCli(['merge', path.join(project.root, 'shard1/artifacts'), path.join(project.root, 'shard2/artifacts'), '--reports', path.join(project.root, 'merged')], { cwd: project.root });
    expect(merged.exitCode, merged.all).toBe(1);
    expect(verdicts(path.join(project.root, 'merged'))).toEqual(expected);
    // …and some of those verdicts were the merge's to give: a shard had no baseline for them.
    const unchecked = ['shard1', 'shard2'].flatMap((s) => readdirSync(path.join(project.root, s, 'artifacts')).map((d) => JSON.parse(readFileSync(path.join(project.root, s, 'artifacts', d, 'run_result.json'), 'utf8')) as { assessment: { unchecked: string[] } | null }));
    expect(unchecked.filter((r) => r.assessment && r.assessment.unchecked.length > 0).length).toBeGreaterThan(0);
  }, 900_000);
});
