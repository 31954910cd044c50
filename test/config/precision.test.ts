import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../harness/config/config-error.ts';
import { loadSuite } from '../../harness/config/load-suite.ts';
import { resolvePrecision } from '../../harness/config/schema/precision.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.workload('tiny', TINY_WORKLOAD);
});
afterEach(() => project.dispose());

const entry = (extra = ''): string => `  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline, perf]\n${extra}`;

function issuesOf(): ConfigIssue[] {
  try {
    loadSuite('s', project.root);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('precision: in descriptors', () => {
  it('loads suite- and entry-level targets with defaults; the entry’s own win', () => {
    project.suite(
      's',
      `precision:
  max_repetitions: 40
  time_budget_s: 900
  targets:
    - metric: server_cpu_us_per_req
      half_width: 2
      margin: 2
workloads:
${entry()}${entry(`    precision:
      max_repetitions: 10
      stop_arms: each
      targets:
        - {metric: p99_us, of: value, half_width: 5, clip: 0.1}
`).replace('name: t', 'name: u')}`,
    );
    const loaded = loadSuite('s', project.root);
    const [t, u] = loaded.workloads.map((w) => resolvePrecision(loaded.descriptor.precision, w.entry.precision));
    expect(t).toEqual({
      targets: [{ metric: 'server_cpu_us_per_req', of: 'overhead', halfWidth: 2, margin: 2 }],
      confidence: 0.95,
      minRepetitions: 3,
      maxRepetitions: 40,
      timeBudgetSeconds: 900,
      axis: 'mutation',
      stopArms: 'together',
    });
    expect(u).toEqual({ targets: [{ metric: 'p99_us', of: 'value', halfWidth: 5, clip: 0.1 }], confidence: 0.95, minRepetitions: 3, maxRepetitions: 10, axis: 'mutation', stopArms: 'each' });
    expect(resolvePrecision(undefined, undefined)).toBeNull();
  });

  it('reports every bad value with its line and key path', () => {
    project.suite(
      's',
      `workloads:
${entry(`    precision:
      confidence: 1.2
      min_repetitions: 50
      max_repetitions: 20
      time_budget_s: -5
      stop_arms: sometimes
      targets:
        - metric: server_cpu_us_per_req
          half_width: 0
        - metric: server_cpu_us_per_req
          half_width: 2
        - metric: p99_us
          of: value
          half_width: 5
          margin: 3
        - metric: p50_us
          half_widht: 3
`)}`,
    );
    const issues = issuesOf();
    const at = (keyPath: string): ConfigIssue | undefined => issues.find((i) => i.keyPath === keyPath);
    expect(at('workloads[0].precision.confidence')).toMatchObject({ line: 6, message: expect.stringContaining('confidence must be in (0.5, 1)') });
    expect(at('workloads[0].precision.time_budget_s')).toMatchObject({ line: 9 });
    expect(at('workloads[0].precision.stop_arms')).toMatchObject({ line: 10, message: expect.stringMatching(/together.*each/) });
    expect(at('workloads[0].precision.targets[0].half_width')).toMatchObject({ line: 13, message: expect.stringContaining('half_width must be > 0') });
    expect(at('workloads[0].precision.targets[3].half_widht')).toMatchObject({ line: 21, message: 'unknown key `half_widht`', hint: 'did you mean `half_width`?' });
    expect(issues.map((i) => i.keyPath)).toEqual(expect.arrayContaining(['workloads[0].precision.confidence', 'workloads[0].precision.time_budget_s']));
  });

  it('reports cross-field problems once the values are well-formed: min > max, a duplicate target, a margin on a value target', () => {
    project.suite(
      's',
      `workloads:
${entry(`    precision:
      min_repetitions: 50
      max_repetitions: 20
      targets:
        - metric: server_cpu_us_per_req
          half_width: 2
        - metric: server_cpu_us_per_req
          half_width: 3
        - metric: p99_us
          of: value
          half_width: 5
          margin: 3
`)}`,
    );
    const issues = issuesOf();
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 6, keyPath: 'workloads[0].precision.min_repetitions', message: 'min_repetitions (50) exceeds max_repetitions (20)' }),
        expect.objectContaining({ line: 11, keyPath: 'workloads[0].precision.targets[1].metric', message: 'overhead of server_cpu_us_per_req is already targets[0]' }),
        expect.objectContaining({ line: 16, keyPath: 'workloads[0].precision.targets[2].margin', message: 'margin applies to of: overhead and of: change targets only' }),
      ]),
    );
  });

  it('refuses against: on targets that compare nothing, with more than one parameter, or along two parameters in one entry', () => {
    project.suite(
      's',
      `workloads:
${entry(`    precision:
      max_repetitions: 20
      targets:
        - metric: server_cpu_us_per_req
          of: difference
          half_width: 10
          against: { injected_us: 0 }
        - metric: p50_us
          of: change
          half_width: 5
          against: { rate: 1000 }
        - metric: p99_us
          of: value
          half_width: 5
          against: { injected_us: 0 }
        - metric: throughput_rps
          of: difference
          half_width: 5
          against: { injected_us: 0, rate: 1 }
        - metric: server_cpu_us_per_req
          of: difference
          half_width: 5
          margin: 3
`)}`,
    );
    const issues = issuesOf();
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyPath: 'workloads[0].precision.targets[2].against', message: 'against applies to of: change and of: difference targets only' }),
        expect.objectContaining({ keyPath: 'workloads[0].precision.targets[3].against', message: 'name exactly one parameter and its reference value, e.g. against: { injected_us: 0 }' }),
        expect.objectContaining({ keyPath: 'workloads[0].precision.targets[4].margin', message: 'margin applies to of: overhead and of: change targets only' }),
      ]),
    );
    // The second target compares along rate while the first compares along injected_us (once the targets parse).
    project.suite(
      's',
      `workloads:
${entry(`    precision:
      max_repetitions: 20
      targets:
        - { metric: server_cpu_us_per_req, of: difference, half_width: 10, against: { injected_us: 0 } }
        - { metric: p50_us, of: change, half_width: 5, against: { rate: 1000 } }
        - { metric: p99_us, of: change, half_width: 5 }
`)}`,
    );
    expect(issuesOf()).toEqual([
      expect.objectContaining({ keyPath: 'workloads[0].precision.targets[1].against', message: expect.stringContaining('compares along rate, but targets[0] along injected_us: a block spans one parameter') }),
      expect.objectContaining({ keyPath: 'workloads[0].precision.targets[2].against', message: expect.stringContaining('compares along mutation, but targets[0] along injected_us') }),
    ]);
    // A key that would reach the object prototype never gets that far.
    project.suite('s', `workloads:\n${entry(`    precision:\n      max_repetitions: 20\n      targets:\n        - { metric: p90_us, of: change, half_width: 5, against: { __proto__: 1 } }\n`)}`);
    expect(issuesOf()).toEqual([expect.objectContaining({ keyPath: 'workloads[0].precision.targets[0].against.__proto__', message: expect.stringContaining('cannot be used as a key') })]);
  });
});
