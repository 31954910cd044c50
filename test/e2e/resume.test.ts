import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { runCli } from '../helpers/cli.ts';

const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
let project: TempProject;
const out = (): string => path.join(project.root, 'out');
const folders = (): string[] => readdirSync(out()).sort();

beforeAll(async () => {
  project = new TempProject('harness-resume-');
  project.workload(
    'tiny',
    `server:\n  name: tiny\n  command: node ${programs}/tiny-server.mjs --port {{ports.main}}\n  ports: { main: ${await freePort()} }\n  ready: { log: "listening" }\nclients:\n  name: gen\n  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count {{params.count}} --interval-ms 5\ninstrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.suite('r', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitions: 2\n    parameters:\n      count: [5, 6]\n`);
});
afterAll(() => project.dispose());

describe('harness run --resume', () => {
  it('reruns exactly the missing runs, then exactly the runs a parameter change affects', async () => {
    const first = await runCli(['run', '--suite', 'r', '--artifacts', out()], { cwd: project.root });
    expect(first.exitCode, first.all).toBe(0);
    expect(folders()).toHaveLength(4);

    // Half the suite "never happened" (as if it was killed half-way).
    const lost = folders().filter((f) => f.includes('count-6'));
    lost.forEach((f) => rmSync(path.join(out(), f), { recursive: true }));
    const second = await runCli(['run', '--suite', 'r', '--artifacts', out(), '--resume'], { cwd: project.root });
    expect(second.exitCode, second.all).toBe(0);
    expect(second.stderr).toContain('resume: 2 already passed (skipped), 0 changed, 0 failing current checks, 0 to retry, 2 new');
    const rerun = folders().filter((f) => !lost.includes(f) && f.includes('count-6'));
    expect(rerun).toHaveLength(2);
    expect(folders()).toHaveLength(4);
    // The summary still covers all four runs (two reported from their earlier results).
    const summary = JSON.parse(readFileSync(path.join(project.root, 'reports/summary.json'), 'utf8'));
    expect(summary.runs.total).toBe(4);

    // Change one parameter value: only that variant's runs are new.
    project.suite('r', readFileSync(path.join(project.root, 'experiments/configs/experiments/r.yaml'), 'utf8').replace('count: [5, 6]', 'count: [5, 7]'));
    const third = await runCli(['run', '--suite', 'r', '--artifacts', out(), '--resume'], { cwd: project.root });
    expect(third.exitCode, third.all).toBe(0);
    expect(third.stderr).toContain('resume: 2 already passed (skipped), 0 changed, 0 failing current checks, 0 to retry, 2 new');
    expect(folders().filter((f) => f.includes('count-7'))).toHaveLength(2);
    expect(folders()).toHaveLength(6);
  }, 180_000); // three whole `harness run`s (Vitest start-up each): 35-40 s idle, over 60 s beside other test runs

  it('explains a changed run by the keys that differ', async () => {
    project.workload('tiny', readFileSync(path.join(project.root, 'experiments/configs/workloads/tiny.yaml'), 'utf8').replace('--interval-ms 5', '--interval-ms 6'));
    const res = await runCli(['run', '--suite', 'r', '--artifacts', out(), '--resume', '--dry-run'], { cwd: project.root });
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toContain('resume: 0 already passed (skipped), 4 changed, 0 failing current checks, 0 to retry, 0 new');
    expect(res.stderr).toMatch(/changed tiny\/baseline\/count=5\/0: changed: workload\.clients\.generator/);
  });

  it('measures a passed run again when it fails the current validity rules or expectations', async () => {
    // Back to the workload the passed results were measured with: they are current again.
    project.workload('tiny', readFileSync(path.join(project.root, 'experiments/configs/workloads/tiny.yaml'), 'utf8').replace('--interval-ms 6', '--interval-ms 5'));
    const suiteFile = path.join(project.root, 'experiments/configs/experiments/r.yaml');
    const before = readFileSync(suiteFile, 'utf8');
    const dry = await runCli(['run', '--suite', 'r', '--artifacts', out(), '--resume', '--dry-run'], { cwd: project.root });
    expect(dry.stderr).toContain('resume: 4 already passed (skipped), 0 changed, 0 failing current checks');

    // Expectations are not part of the run id: tightening one keeps the ids, but not the verdicts.
    project.suite('r', before.replace('    repetitions: 2\n', '    repetitions: 2\n    expect: { throughput_rps: { min: 1000000000 } }\n'));
    const plan = await runCli(['run', '--suite', 'r', '--artifacts', out(), '--resume', '--dry-run'], { cwd: project.root });
    expect(plan.stderr).toContain('resume: 0 already passed (skipped), 0 changed, 4 failing current checks, 0 to retry, 0 new');
    expect(plan.stderr).toMatch(/recheck tiny\/baseline\/count=5\/0: passed in \S+, but fails the current checks: expected throughput_rps ≥ 1000000000, got \d/);

    const count = folders().length;
    const rerun = await runCli(['run', '--suite', 'r', '--artifacts', out(), '--resume'], { cwd: project.root });
    expect(rerun.exitCode, rerun.all).toBe(1);
    const fresh = folders().slice(count);
    expect(folders()).toHaveLength(count + 4);
    const result = JSON.parse(readFileSync(path.join(out(), fresh.find((f) => f.includes('count-5'))!, 'run_result.json'), 'utf8'));
    expect(result.status).toBe('failed');
    expect(result.error.message).toContain('expected throughput_rps ≥ 1000000000');
    expect(result.warnings.join('\n')).toMatch(/rerun by --resume: passed in .*, but fails the current checks/);
    project.suite('r', before);
  });
});
