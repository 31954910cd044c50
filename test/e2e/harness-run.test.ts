import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { runCli } from '../helpers/cli.ts';

const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
let project: TempProject;

beforeAll(async () => {
  project = new TempProject('harness-e2e-');
  const port = await freePort();
  project.workload(
    'tiny',
    `server:
  name: tiny
  command: node ${programs}/tiny-server.mjs --port {{ports.main}} --crash-after-ms {{params.crash_ms}}
  ports: { main: ${port} }
  ready: { log: "listening on \\\\d+" }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count 20 --interval-ms 25
  timeout_s: 10
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`,
  );
  project.suite(
    'smoke',
    `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitions: 2\n    parameters:\n      crash_ms: [60000, 100]\n`,
  );
});
afterAll(() => project.dispose());

describe('harness run (CLI → generated Vitest file → artifacts)', () => {
  it('compiles, runs every planned run as a test and leaves one artifact folder per run', async () => {
    const artifacts = path.join(project.root, 'out');
    const res = await runCli(['run', '--suite', 'smoke', '--artifacts', artifacts], { cwd: project.root });
    expect(res.all).toContain('regenerated suites/smoke/tiny.part1.test.ts');
    expect(res.all).toContain('regenerated suites/smoke/tiny.part2.test.ts');
    // The crash_ms=100 variant crashes mid-run: two runs fail, two pass, exit code 1.
    expect(res.exitCode, res.all).toBe(1);
    expect(res.all).toMatch(/2 failed \| 2 passed/);
    expect(res.all).toContain('Server tiny exited with code 1 while the clients were running');
    const dirs = readdirSync(artifacts).sort();
    expect(dirs).toHaveLength(4);
    const statuses = dirs.map((d) => JSON.parse(readFileSync(path.join(artifacts, d, 'run_result.json'), 'utf8')) as { status: string; run: { variant: string } });
    expect(statuses.map((s) => `${s.run.variant}:${s.status}`).sort()).toEqual(['crash_ms=100:failed', 'crash_ms=100:failed', 'crash_ms=60000:passed', 'crash_ms=60000:passed']);
    // One suite execution ID, printed at start and end, in every run_result.json and plan.json.
    const ids = [...res.all!.matchAll(/suite execution (\d{8}-\d{6}-\d{3}-[0-9a-f]{6})/g)].map((m) => m[1]);
    expect(ids.length, res.all).toBe(2);
    expect(ids[1]).toBe(ids[0]);
    for (const d of dirs) {
      expect(JSON.parse(readFileSync(path.join(artifacts, d, 'run_result.json'), 'utf8')).run.suite_execution_id).toBe(ids[0]);
      expect(JSON.parse(readFileSync(path.join(artifacts, d, 'plan.json'), 'utf8')).run.suite_execution_id).toBe(ids[0]);
    }
    // One generated file per repetition block, in interleaved order.
    const part1 = readFileSync(path.join(project.root, 'suites/smoke/tiny.part1.test.ts'), 'utf8');
    expect(part1.match(/^run\("[^"]+"/gm)).toEqual(['run("tiny/baseline/crash_ms=60000/0"', 'run("tiny/baseline/crash_ms=100/0"']);
  });

  it('refuses to run a stale generated file under plain Vitest', async () => {
    project.suite('smoke', readFileSync(path.join(project.root, 'experiments/configs/experiments/smoke.yaml'), 'utf8').replace('repetitions: 2', 'repetitions: 1'));
    const check = await runCli(['compile', '--check'], { cwd: project.root });
    expect(check.exitCode).toBe(1);
    // One repetition now: a single file replaces the two parts, which must not run any more.
    expect(check.all).toMatch(/stale\s+suites\/smoke\/tiny.test.ts/);
    expect(check.all).toMatch(/orphan\s+suites\/smoke\/tiny.part1.test.ts/);
    expect(check.all).toMatch(/orphan\s+suites\/smoke\/tiny.part2.test.ts/);
    const vitest = await execa(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(PACKAGE_ROOT, 'harness/runner/experiments.vitest.config.ts'), '--root', project.root, 'suites/smoke/'], { cwd: project.root, reject: false, all: true, env: { NO_COLOR: '1' } });
    expect(vitest.exitCode).toBe(1);
    expect(vitest.all).toContain('suites/smoke/tiny.part1.test.ts is stale: experiments/configs/experiments/smoke.yaml changed since it was generated');
    // The first test's reports would still show its runs as current: they are rewritten, the stale
    // files' runs reported as errors (a file that fails to load never disappears from the reports).
    const junit = readFileSync(path.join(project.root, 'reports/junit.xml'), 'utf8');
    expect(junit).toContain('is stale');
    expect(junit).toMatch(/<testsuites[^>]* errors="[1-9]/);
    expect(junit).not.toContain('crash_ms=60000/1');
    const dry = await runCli(['run', '--suite', 'smoke', '--dry-run'], { cwd: project.root });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('tiny: 2 runs = 1 modes × 2 variants × 1 repetitions');
  });

  it('splits a suite into shards that together run every run once', async () => {
    project.suite('shards', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitions: 3\n    parameters:\n      crash_ms: [60000]\n`);
    const names: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const out = path.join(project.root, `shard${shard[0]}`);
      const res = await runCli(['run', '--suite', 'shards', '--shard', shard, '--artifacts', out], { cwd: project.root, env: { HARNESS_REPORTS_DIR: path.join(out, 'reports') } });
      expect(res.exitCode, res.all).toBe(0);
      names.push(...readdirSync(out).filter((d) => d !== 'reports'));
    }
    expect(names).toHaveLength(3);
    const merged = await runCli(['merge', path.join(project.root, 'shard1'), path.join(project.root, 'shard2'), '--reports', path.join(project.root, 'merged')], { cwd: project.root });
    expect(merged.exitCode, merged.all).toBe(0);
    expect(merged.stdout).toContain('merged 3 runs of shards (3 passed, 0 failed)');
    const junit = readFileSync(path.join(project.root, 'merged/junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="shards" tests="3" failures="0"/);
    const summary = JSON.parse(readFileSync(path.join(project.root, 'merged/summary.json'), 'utf8'));
    expect(summary.groups[0].metrics.completed.n).toBe(3);
    // Each shard is its own invocation, so the merged summary names both suite executions.
    expect(summary.suite_execution_ids).toHaveLength(2);
  });

  it('gives plain `vitest run suites/…` a suite execution ID of its own', async () => {
    project.suite('plain', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitions: 1\n    parameters:\n      crash_ms: [60000]\n`);
    expect((await runCli(['compile'], { cwd: project.root })).exitCode).toBe(0);
    const out = path.join(project.root, 'plain-out');
    const vitest = await execa(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(PACKAGE_ROOT, 'harness/runner/experiments.vitest.config.ts'), '--root', project.root, 'suites/plain/'], { cwd: project.root, reject: false, all: true, env: { NO_COLOR: '1', HARNESS_ARTIFACTS_DIR: out, HARNESS_REPORTS_DIR: path.join(project.root, 'plain-reports') } });
    expect(vitest.exitCode, vitest.all).toBe(0);
    const printed = /suite execution (\S+)\n[\s\S]*suite execution \1 finished/.exec(vitest.all!);
    expect(printed, vitest.all).not.toBeNull();
    const [dir] = readdirSync(out);
    expect(JSON.parse(readFileSync(path.join(out, dir!, 'run_result.json'), 'utf8')).run.suite_execution_id).toBe(printed![1]);
  });
});

describe('harness CLI input errors', () => {
  it('exits 2 with positioned problems and no stack trace', async () => {
    project.suite('bad', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitons: 2\n`);
    const res = await runCli(['plan', '--suite', 'bad'], { cwd: project.root });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('experiments/configs/experiments/bad.yaml:5:5 workloads[0].repetitons: unknown key `repetitons`');
    expect(res.stderr).toContain('did you mean `repetitions`?');
    expect(res.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
  });

  it('exits 2 on a bad flag value and on an unknown flag', async () => {
    const bad = await runCli(['plan', '--suite', 'smoke', '--perf-freq', 'fast'], { cwd: project.root });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--perf-freq must be a whole number');
    const unknown = await runCli(['plan', '--suite', 'smoke', '--perf-frq', '99'], { cwd: project.root });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--perf-frq'[\s\S]*Did you mean --perf-freq\?/);
  });
});
