// The PR job runs as root in debian:bookworm on a workspace the runner user owns. Reproduced here
// with the same ownership: a clone of this repository chowned to another user, root's git with an
// empty HOME (as the container's). Without the workflow's safe.directory step, git refuses the
// clone ("dubious ownership") and the regression suite's mutations cannot plan; with it, both work.
// The clone holds the committed HEAD: this test exercises committed code.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

const OWNER = 'harness-ws-owner'; // stands for the runner user that owns the workspace
type Step = { name?: string; run?: string; uses?: string };

const smokeSteps = (): Step[] =>
  (parse(readFileSync(path.join(PACKAGE_ROOT, '.github/workflows/pr-smoke.yml'), 'utf8')) as { jobs: { smoke: { steps: Step[] } } }).jobs.smoke.steps;

describe.runIf(process.getuid?.() === 0)('the PR container job as root on a workspace owned by another user', () => {
  let tmp: string;
  let workspace: string;
  let env: Record<string, string>;
  // A step as the job runs it: bash -e, in the workspace, with the job's HOME and GITHUB_WORKSPACE.
  const step = (script: string) => execa('bash', ['-e', '-c', script], { cwd: workspace, env, extendEnv: false, reject: false, all: true, timeout: 120_000 });

  beforeAll(async () => {
    const user = await execa('id', ['-u', OWNER], { reject: false });
    if (user.exitCode !== 0) await execa('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OWNER]);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'container-job-'));
    workspace = path.join(tmp, 'workspace');
    mkdirSync(path.join(tmp, 'home'));
    await execa('git', ['clone', '--quiet', '--no-hardlinks', PACKAGE_ROOT, workspace]);
    rmSync(path.join(workspace, 'node_modules'), { force: true });
    symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(workspace, 'node_modules'));
    await execa('chown', ['-R', '-h', `${OWNER}:`, workspace]);
    // Root's git with nothing of this machine's configuration: an empty HOME, no system config.
    env = { PATH: process.env.PATH!, HOME: path.join(tmp, 'home'), GIT_CONFIG_NOSYSTEM: '1', GITHUB_WORKSPACE: workspace, NPM_CONFIG_UPDATE_NOTIFIER: 'false', CI: 'true' };
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('fails without the safe.directory step, and passes with it: git rev-parse and the regression plan', async () => {
    const head = (await execa('git', ['-c', 'safe.directory=*', 'rev-parse', 'HEAD'], { cwd: workspace })).stdout;
    const plan = 'npx harness plan --suite regression';

    const before = await step('git rev-parse HEAD');
    expect(before.exitCode).toBe(128);
    expect(before.all).toContain(`detected dubious ownership in repository at '${workspace}'`);
    const planBefore = await step(plan);
    expect(planBefore.exitCode, planBefore.all).toBe(2);
    // The plan says why, with git's own words and the fix.
    expect(planBefore.all).toContain(`mutations need a git repository with a commit at ${workspace} (git rev-parse HEAD: fatal: detected dubious ownership in repository at '${workspace}')`);
    expect(planBefore.all).toContain(`the checkout belongs to another user and git refuses it (as root in a CI container): git config --global --add safe.directory ${workspace}`);

    // A suite without mutations plans, but says plan.json would record no commit, and the fix.
    const sanityBefore = await step('npx harness plan --suite sanity');
    expect(sanityBefore.exitCode, sanityBefore.all).toBe(0);
    expect(sanityBefore.stderr).toContain(`warning: ${workspace}: git rev-parse HEAD: fatal: detected dubious ownership in repository at '${workspace}'; plan.json records git_commit: null`);

    // The workflow's own step, right after checkout.
    const steps = smokeSteps();
    const safe = steps.findIndex((s) => s.run?.includes('safe.directory'));
    expect(steps[safe - 1]?.uses, 'the safe.directory step comes right after actions/checkout').toMatch(/^actions\/checkout@/);
    const marked = await step(steps[safe]!.run!);
    expect(marked.exitCode, marked.all).toBe(0);

    const after = await step('git rev-parse HEAD');
    expect(after.exitCode, after.all).toBe(0);
    expect(after.stdout).toBe(head);
    const planAfter = await step(plan);
    expect(planAfter.exitCode, planAfter.all).toBe(0);
    expect(planAfter.stdout).toContain('Suite regression (experiments/configs/experiments/regression.yaml): 12 runs');
    expect(planAfter.stdout).toContain('mutation=kv-slow-get');
    const sanityAfter = await step('npx harness plan --suite sanity');
    expect(sanityAfter.exitCode, sanityAfter.all).toBe(0);
    expect(sanityAfter.stderr).not.toContain('dubious ownership');
  }, 300_000);
});
