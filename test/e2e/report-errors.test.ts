// Reporters see everything Vitest saw: a generated file that fails to load is not a silent gap in the
// reports — each of its planned runs is an <error> in junit.xml, a failure in summary.json and a line
// in the HTML report, beside the runs of the files that did run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { runCli } from '../helpers/cli.ts';

const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
let project: TempProject;

beforeAll(async () => {
  project = new TempProject('harness-errors-');
  project.workload(
    'tiny',
    `server:\n  name: tiny\n  command: node ${programs}/tiny-server.mjs --port {{ports.main}}\n  ports: { main: ${await freePort()} }\n  ready: { log: "listening" }\nclients:\n  name: gen\n  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count 5 --interval-ms 5\ninstrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.suite('broken', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitions: 2\n    parameters:\n      x: [1, 2]\n`);
  const compiled = await runCli(['compile'], { cwd: project.root });
  expect(compiled.exitCode, compiled.all).toBe(0);
});
afterAll(() => project?.dispose());

type Node = Record<string, unknown>;

describe('reports of a suite with a generated file that fails to load', () => {
  it('lists that file\'s runs as errors in junit.xml, summary.json and the HTML report', async () => {
    const part2 = path.join(project.root, 'suites/broken/tiny.part2.test.ts');
    writeFileSync(part2, readFileSync(part2, 'utf8').replace('const { run } = defineSuiteFile({', 'const { run } = defineSuiteFile({{ syntax error'));
    const vitest = await execa(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(PACKAGE_ROOT, 'harness/runner/experiments.vitest.config.ts'), '--root', project.root, 'suites/broken/'], {
      cwd: project.root,
      reject: false,
      all: true,
      env: { NO_COLOR: '1', HARNESS_ARTIFACTS_DIR: path.join(project.root, 'out') },
    });
    expect(vitest.exitCode, vitest.all).toBe(1);

    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['testsuite', 'testcase'].includes(n) }).parse(readFileSync(path.join(project.root, 'reports/junit.xml'), 'utf8')) as Node;
    const root = junit.testsuites as Node;
    expect(root).toMatchObject({ '@tests': '4', '@failures': '0', '@errors': '2' });
    const cases = ((root.testsuite as Node[])[0]!.testcase as Node[]).map((c) => ({ name: c['@name'], error: (c.error as Node | undefined)?.['@message'] }));
    expect(cases.filter((c) => !c.error).map((c) => c.name).sort()).toEqual(['tiny/baseline/x=1/0', 'tiny/baseline/x=2/0']);
    const errors = cases.filter((c) => c.error);
    expect(errors.map((c) => c.name).sort()).toEqual(['tiny/baseline/x=1/1', 'tiny/baseline/x=2/1']);
    for (const e of errors) expect(e.error).toMatch(/^suites\/broken\/tiny\.part2\.test\.ts failed to load: /);

    const summary = JSON.parse(readFileSync(path.join(project.root, 'reports/summary.json'), 'utf8')) as { runs: { total: number; passed: number; errors: number }; failures: { name: string; state: string; kind: string }[] };
    expect(summary.runs).toMatchObject({ total: 4, passed: 2, errors: 2 });
    expect(summary.failures.map((f) => [f.name, f.state, f.kind]).sort()).toEqual([
      ['tiny/baseline/x=1/1', 'error', 'config'],
      ['tiny/baseline/x=2/1', 'error', 'config'],
    ]);
    const html = readFileSync(path.join(project.root, 'reports/index.html'), 'utf8');
    expect(html).toContain('tiny/baseline/x=2/1');
    expect(html).toContain('tiny.part2.test.ts failed to load');
  }, 120_000);
});
