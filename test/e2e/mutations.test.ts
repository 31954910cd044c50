import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { runCli } from '../helpers/cli.ts';

let project: TempProject;
const git = async (...args: string[]): Promise<string> => String((await execa('git', args, { cwd: project.root })).stdout);
const worktreeDir = (): string => path.join(project.root, '.wt');

beforeAll(async () => {
  project = new TempProject('harness-mut-');
  for (const f of ['tiny-server.mjs', 'tiny-client.mjs']) cpSync(path.join(PACKAGE_ROOT, 'test/fixtures/programs', f), path.join(project.root, 'programs', f));
  const port = await freePort();
  project.workload('tiny', `server:\n  name: tiny\n  command: node programs/tiny-server.mjs --port {{ports.main}}\n  ports: { main: ${port} }\n  ready: { log: "listening" }\nclients:\n  name: gen\n  generator: node programs/tiny-client.mjs --port {{ports.main}} --count {{settings.count}} --interval-ms 10\nsettings: { count: 30 }\ninstrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`);
  project.write('.gitignore', 'experiments/artifacts/\nreports/\n.wt/\nnode_modules/\n');
  // slow: every echo busy-waits 4 ms (made with `git diff`, like a user would).
  await git('init', '-q');
  await git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A');
  await git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base');
  const server = path.join(project.root, 'programs/tiny-server.mjs');
  const original = readFileSync(server, 'utf8');
  writeFileSync(server, original.replace('  s.pipe(s);', '  s.on("data", (d) => { const end = performance.now() + 4; while (performance.now() < end); s.write(d); });'));
  project.write('experiments/mutations/slow.patch', `${await git('diff')}\n`);
  writeFileSync(server, original);
  project.write('experiments/mutations/bad.patch', `diff --git a/programs/tiny-server.mjs b/programs/tiny-server.mjs\n--- a/programs/tiny-server.mjs\n+++ b/programs/tiny-server.mjs\n@@ -3,2 +3,2 @@\n-this line is not in the file\n+neither is this one\n context that does not exist\n`);
  project.suite('mut', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    mutations:\n      - { name: slow, patch: experiments/mutations/slow.patch, build: "node --check programs/tiny-server.mjs" }\n      - { name: bad, patch: experiments/mutations/bad.patch }\n`);
  project.suite('long', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    mutations:\n      - { name: slow, patch: experiments/mutations/slow.patch }\n    mutation_base: false\n    overrides: { workload: { settings: { count: 3000 } } }\n`);
  await runCli(['compile'], { cwd: project.root });
  await git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A');
  await git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'suites and patches');
});
afterAll(() => project.dispose());

const env = (): Record<string, string> => ({ HARNESS_WORKTREE_DIR: worktreeDir() });

describe('git-patch mutations', () => {
  it('shows the slowdown, fails the patch that does not apply with its hunk, and leaves the checkout clean', async () => {
    const res = await runCli(['run', '--suite', 'mut'], { cwd: project.root, env: env() });
    expect(res.exitCode, res.all).toBe(1);
    const results = readdirSync(path.join(project.root, 'experiments/artifacts')).map((d) => JSON.parse(readFileSync(path.join(project.root, 'experiments/artifacts', d, 'run_result.json'), 'utf8')));
    const by = (m: string) => results.find((r) => r.run.params.mutation === m);
    expect(by('base').status).toBe('passed');
    expect(by('slow').status, JSON.stringify(by('slow').error)).toBe('passed');
    expect(by('slow').key_metrics.p50_us - by('base').key_metrics.p50_us).toBeGreaterThan(3000);
    expect(by('bad').status).toBe('failed');
    expect(by('bad').error.message).toContain('mutation bad: patch');
    expect(by('bad').error.message).toContain('bad.patch does not apply');
    expect(by('bad').error.message).toMatch(/patch failed: programs\/tiny-server.mjs:3/);
    const plan = JSON.parse(readFileSync(path.join(by('slow').artifact_dir, 'plan.json'), 'utf8'));
    expect(plan.mutation).toMatchObject({ name: 'slow', base_commit: await git('rev-parse', 'HEAD'), patch: 'experiments/mutations/slow.patch' });
    expect(plan.mutation.patch_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(plan.mutation.build_log)).toBe(false); // worktree (and its build log) removed after the suite
    expect(await git('status', '--porcelain')).toBe('');
    expect((await git('worktree', 'list')).split('\n')).toHaveLength(1);
  });

  it('leaves the checkout clean and no worktree behind when interrupted with SIGINT', async () => {
    const child = execa(process.execPath, [path.join(PACKAGE_ROOT, 'bin/harness.js'), 'run', '--suite', 'long'], { cwd: project.root, env: env(), reject: false, detached: true });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(existsSync(worktreeDir()) && readdirSync(worktreeDir()).length > 0 && (await git('worktree', 'list')).includes('.wt'))) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // the run is under way in the worktree
    process.kill(-child.pid!, 'SIGINT');
    await child;
    expect(await git('status', '--porcelain')).toBe('');
    expect((await git('worktree', 'list')).split('\n')).toHaveLength(1);
  });
});
