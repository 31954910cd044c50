import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAll } from '../../harness/compile/compile-suites.ts';
import { shardPaths } from '../../harness/compile/shard.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { ProgressReporter } from '../../harness/report/progress-reporter.ts';
import { plannedRuns } from '../../harness/report/planned-runs.ts';
import type { RunOutcome } from '../../harness/report/run-outcome.ts';
import { freePort } from '../helpers/ports.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';

const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
const outcome = (name: string, state: RunOutcome['state']): RunOutcome => ({ name, state, durationMs: 1000 }) as RunOutcome;

describe('ProgressReporter', () => {
  it('counts against the announced total, drops skipped runs from it, and never reads above it', () => {
    const lines: string[] = [];
    const progress = new ProgressReporter((l) => lines.push(l));
    progress.onSuiteStart({ suite: 'a, b', totalRuns: 3 });
    progress.onRunEnd(outcome('kv/baseline/default/0', 'passed'));
    progress.onRunEnd(outcome('kv/baseline/default/1', 'skipped'));
    progress.onRunEnd(outcome('kv/baseline/default/2', 'failed'));
    progress.onRunEnd(outcome('kv/baseline/default/3', 'passed'));
    expect(lines[0]).toBe('[harness] a, b: 3 runs');
    expect(lines.slice(1).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['[harness] 1/3 ok', '[harness] 2/2 FAIL', '[harness] 3/3 ok']);
    expect(lines.at(-1)).toMatch(/, 1 failed; 0 left, ETA 0s$/);
  });
});

describe('progress over a whole Vitest invocation', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = new TempProject('harness-progress-');
    project.workload('tiny', `server:\n  name: tiny\n  command: node ${programs}/tiny-server.mjs --port {{ports.main}}\n  ports: { main: ${await freePort()} }\n  ready: { log: "listening" }\nclients:\n  name: gen\n  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count 3 --interval-ms 5\ninstrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`);
    const suite = (reps: number): string => `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitions: ${reps}\n    parameters: { x: [1, 2] }\n`;
    project.suite('alpha', suite(2)); // 2 files of 2 runs
    project.suite('beta', suite(1)); // 1 file of 2 runs
    compileAll(project.root);
  });
  afterAll(() => project.dispose());

  const planOf = (suite: string) => planSuite(suite, { rootDir: project.root });
  it('plans the total of every selected file of every suite, and of each shard', () => {
    const files = ['alpha/tiny.part1', 'alpha/tiny.part2', 'beta/tiny'].map((f) => path.join(project.root, 'suites', `${f}.test.ts`));
    expect(plannedRuns(project.root, [...files, path.join(project.root, 'test/x.test.ts')], planOf)).toEqual({ suites: ['alpha', 'beta'], totalRuns: 6 });
    const shards = [1, 2].map((index) => plannedRuns(project.root, shardPaths(project.root, files, { index, count: 2 }), planOf).totalRuns);
    expect(shards[0]! + shards[1]!).toBe(6);
  });

  it('under plain `vitest run suites/`: one total for both suites, and the count ends at it', async () => {
    const res = await execa(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(PACKAGE_ROOT, 'harness/runner/experiments.vitest.config.ts'), '--root', project.root, 'suites/'], { cwd: project.root, reject: false, all: true, env: { NO_COLOR: '1', HARNESS_ARTIFACTS_DIR: path.join(project.root, 'out'), HARNESS_REPORTS_DIR: path.join(project.root, 'reports') } });
    expect(res.exitCode, res.all).toBe(0);
    const progress = res.all.split('\n').filter((l) => l.startsWith('[harness]'));
    expect(progress[0]).toBe('[harness] alpha, beta: 6 runs');
    const counts = progress.slice(1).map((l) => /^\[harness\] (\d+)\/(\d+) /.exec(l)!.slice(1).map(Number));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 6]));
  }, 120_000);
});
