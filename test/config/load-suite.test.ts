import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { ConfigError, type ConfigIssue } from '../../harness/config/config-error.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.workload('tiny', TINY_WORKLOAD);
});
afterEach(() => project.dispose());

function issuesOf(suite = 's'): ConfigIssue[] {
  try {
    planSuite(suite, { rootDir: project.root });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('README.md\'s descriptor example', () => {
  it('loads unchanged and expands to the 30 runs README says', () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const yaml = /## A descriptor[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(yaml.trimEnd().split('\n').length).toBeLessThanOrEqual(15);
    expect(readme).toContain('That is 3 modes × 2 variants × 5 repetitions = 30 runs.');
    project.copyFromProject('experiments/configs/workloads/kv.yaml');
    project.suite('s', yaml);
    const plan = planSuite('s', { rootDir: project.root });
    expect(plan.runs).toHaveLength(30);
    expect(plan.runs[0]!.resolved.config.instrumentation.perf_mode).toBe('stat');
  });
});

describe('the docs/suites.md example (a descriptor)', () => {
  it('loads unchanged and expands to 135 runs', () => {
    project.copyFromProject('experiments/configs/workloads/kv.yaml');
    project.suite(
      's',
      `workloads:
  - name: kv
    config: experiments/configs/workloads/kv.yaml
    modes: [baseline, perf, microsentinel]
    repetitions: 5
    parameters:
      delta_values_us: [5, 10, 20]
      rate_scan:
        samples_per_core: [500, 1000, 2000]
    overrides:
      instrumentation:
        pmu_events: "cycles,LLC-load-misses"
      annotations:
        suite_case: "kv_baseline"
`,
    );
    const plan = planSuite('s', { rootDir: project.root });
    expect(plan.runs).toHaveLength(135);
    expect(new Set(plan.runs.map((r) => r.id)).size).toBe(135);
    expect(plan.runs[0]!.resolved.config.annotations).toEqual({ suite_case: 'kv_baseline' });
    expect(plan.runs[0]!.resolved.config.instrumentation.pmu_events).toBe('cycles,LLC-load-misses');
  });
});

describe('bad input', () => {
  it('rejects a misspelled key with its line and a did-you-mean', () => {
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    repetitons: 3\n`);
    const [issue] = issuesOf();
    expect(issue).toMatchObject({ line: 5, column: 5, keyPath: 'workloads[0].repetitons', message: 'unknown key `repetitons`', hint: 'did you mean `repetitions`?' });
    expect(issue!.file).toBe('experiments/configs/experiments/s.yaml');
  });

  it('reports every problem at once, sorted by line', () => {
    project.suite(
      's',
      `order: sideways
workloads:
  - name: t
    config: experiments/configs/workloads/missing.yaml
    modes: []
    repetitions: two
`,
    );
    const issues = issuesOf();
    expect(issues.map((i) => [i.line, i.keyPath])).toEqual([
      [1, 'order'],
      [5, 'workloads[0].modes'],
      [6, 'workloads[0].repetitions'],
    ]);
    expect(issues[0]!.message).toContain('`interleaved`');
    expect(issues[1]!.message).toMatch(/at least one mode/);
    expect(issues[2]!.message).toMatch(/expected number/);
  });

  it('reports a missing workload config at the `config:` line', () => {
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/nope.yaml\n    modes: [baseline]\n`);
    expect(issuesOf()).toEqual([
      expect.objectContaining({ line: 3, column: 13, keyPath: 'workloads[0].config', message: 'workload config not found: experiments/configs/workloads/nope.yaml' }),
    ]);
  });

  it('rejects an unknown mode with the allowed ones', () => {
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline, pref]\n`);
    const [issue] = issuesOf();
    expect(issue).toMatchObject({ line: 4, keyPath: 'workloads[0].modes[1]' });
    expect(issue!.message).toContain('`perf`');
  });

  it('points a typo inside the workload config at that file', () => {
    project.workload('bad', `server:\n  command: sleep 1\n  raedy: { tcp: 80 }\nclients:\n  generator: echo\n`);
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/bad.yaml\n    modes: [baseline]\n`);
    expect(issuesOf()).toEqual([
      expect.objectContaining({ file: 'experiments/configs/workloads/bad.yaml', line: 3, column: 3, keyPath: 'server.raedy', hint: 'did you mean `ready`?' }),
    ]);
  });

  it('points a wrong type in a suite override at the suite file', () => {
    project.suite(
      's',
      `workloads:
  - name: t
    config: experiments/configs/workloads/tiny.yaml
    modes: [baseline]
    overrides:
      workload:
        truth_limit: lots
`,
    );
    expect(issuesOf()).toEqual([expect.objectContaining({ file: 'experiments/configs/experiments/s.yaml', line: 7, keyPath: 'workloads[0].overrides.workload.truth_limit' })]);
  });

  it('rejects an unknown template variable where it is written', () => {
    project.workload('tpl', `server:\n  command: sleep 1\nclients:\n  generator: echo {{params.rate}} {{ports.nope}}\n`);
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tpl.yaml\n    modes: [baseline]\n    parameters:\n      rate: [1, 2]\n`);
    const [issue] = issuesOf();
    expect(issue).toMatchObject({ file: 'experiments/configs/workloads/tpl.yaml', line: 4, keyPath: 'clients.generator' });
    expect(issue!.message).toContain('{{ports.nope}}');
  });

  it('rejects an unknown template variable in a settings value at that setting, and a cycle of settings', () => {
    project.workload('tpl', `server:\n  command: srv --at {{settings.chain.host}}\nclients:\n  generator: gen\nsettings:\n  chain:\n    host: "{{hosts.sevrer}}"\n`);
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tpl.yaml\n    modes: [baseline]\n`);
    const [issue] = issuesOf();
    expect(issue).toMatchObject({ file: 'experiments/configs/workloads/tpl.yaml', line: 7, keyPath: 'settings.chain.host' });
    expect(issue!.message).toContain('{{hosts.sevrer}}');
    project.workload('tpl', `server:\n  command: srv --at {{settings.a}}\nclients:\n  generator: gen\nsettings:\n  a: "x-{{settings.b}}"\n  b: "{{settings.a}}"\n`);
    const [cycle] = issuesOf();
    expect(cycle!.message).toMatch(/settings\.a refers to itself through its templates \(settings\.a, settings\.b form a cycle\)/);
    expect(cycle).toMatchObject({ line: 6, keyPath: 'settings.a' });
  });

  it('reports YAML syntax errors with their position', () => {
    project.suite('s', `workloads:\n  - name: t\n    modes: [baseline\n`);
    const [issue] = issuesOf();
    expect(issue!.message).toMatch(/YAML syntax error/);
    expect(issue!.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects duplicate keys instead of keeping the last one', () => {
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    modes: [perf]\n`);
    expect(issuesOf()[0]!.message).toMatch(/duplicate key `modes` \(first at line 4\)/);
  });

  it('rejects shell syntax in a command with a way out', () => {
    project.workload('sh', `server:\n  command: sleep 1 | cat\nclients:\n  generator: echo\n`);
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/sh.yaml\n    modes: [baseline]\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 2, message: expect.stringContaining('needs a shell') });
  });

  it('names an unknown suite with a suggestion', () => {
    project.suite('overhead', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n`);
    expect(issuesOf('overhaed')[0]!.hint).toBe('did you mean `overhead`?');
  });
});
