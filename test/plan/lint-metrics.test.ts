// lintClientMetrics: `harness plan` warns about a client that can never report load metrics, and
// only about such a client.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.suite('s', 'workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n');
});
afterEach(() => project.dispose());

const warningsFor = (client: string): string[] => {
  project.workload('w', `server:\n  name: srv\n  command: server\nclients:\n${client}`);
  return planSuite('s', { rootDir: project.root }).warnings;
};

describe('plan warning: a client that can never report metrics', () => {
  it('warns at the client’s metrics_flag, naming the fix', () => {
    const [w] = warningsFor('  name: wrk\n  command: wrk http://127.0.0.1:1/\n  metrics_flag: null\n');
    expect(w).toMatch(/^experiments\/configs\/workloads\/w\.yaml:7:17 clients\.metrics_flag: client wrk can never report load metrics: it has no result adapter, metrics_flag is null and its command does not use \{\{metrics_file\}\}/);
    expect(w).toContain('add `results: { adapter: <tool> }` for a third-party load tool (docs/load-tools.md), or write generator-metrics JSON to {{metrics_file}}');
  });

  it('says nothing for a client with an adapter, a metrics flag, or {{metrics_file}} in its command', () => {
    expect(warningsFor('  name: wrk\n  command: wrk http://127.0.0.1:1/\n  results: { adapter: wrk }\n')).toEqual([]);
    expect(warningsFor('  name: gen\n  command: gen\n')).toEqual([]);
    expect(warningsFor('  name: gen\n  command: gen --out {{metrics_file}}\n  metrics_flag: null\n')).toEqual([]);
  });
});
