import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteNameClashes } from '../../harness/compile/suite-names.ts';
import { listSuites } from '../../harness/config/load-suite.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { runCli } from '../helpers/cli.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

describe('suite names', () => {
  it('reports every name that is a prefix of another, at the longer name’s descriptor', () => {
    expect(suiteNameClashes(['overhead', 'sanity', 'remote-sanity'])).toEqual([]);
    const issues = suiteNameClashes(['sanity', 'sanity-remote', 'san']);
    expect(issues.map((i) => i.file)).toEqual(['experiments/configs/experiments/sanity.yaml', 'experiments/configs/experiments/sanity-remote.yaml', 'experiments/configs/experiments/sanity-remote.yaml']);
    expect(issues[2]!.message).toContain('`npx vitest run suites/sanity` would run both suites');
    expect(issues[2]!.hint).toContain('`remote-sanity`');
  });

  it('the catalog has no clash, and `vitest list suites/sanity` selects the sanity suite’s files only', async () => {
    expect(suiteNameClashes(listSuites(PACKAGE_ROOT))).toEqual([]);
    const res = await execa(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/vitest/vitest.mjs'), 'list', 'suites/sanity', '--filesOnly', '--json'], { cwd: PACKAGE_ROOT });
    const files = (JSON.parse(res.stdout) as { file: string }[]).map((f) => path.relative(PACKAGE_ROOT, f.file)).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.startsWith(`suites${path.sep}sanity${path.sep}`)), files.join(', ')).toBe(true);
  });
});

describe('harness compile with clashing suite names', () => {
  let project: TempProject;
  beforeAll(() => {
    project = new TempProject('harness-names-');
    project.workload('tiny', TINY_WORKLOAD);
    const suite = 'workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n';
    project.suite('smoke', suite);
    project.suite('smoke-remote', suite);
  });
  afterAll(() => project.dispose());

  it('refuses with exit 2, names both suites and writes nothing', async () => {
    const res = await runCli(['compile'], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(2);
    expect(res.all).toContain('experiments/configs/experiments/smoke-remote.yaml suite name `smoke-remote` starts with the suite name `smoke`');
    expect(res.all).toContain('e.g. `remote-smoke`');
    expect(res.all).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(path.join(project.root, 'suites'))).toBe(false);
    const check = await runCli(['compile', '--check'], { cwd: project.root });
    expect(check.exitCode).toBe(2);
  });
});
