// A client's `results:` stanza at plan time: no metrics flag, wrk gets the report script by its
// absolute path (unless it has its own), the output file is rendered and absolute, and what cannot
// work (an unknown adapter, a remote client) is refused with its location.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/config/config-error.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { renderRunCommands, WRK_REPORT_SCRIPT } from '../../harness/plan/render-run.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.suite('s', 'workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n');
});
afterEach(() => project.dispose());

const client = (yaml: string): string => project.workload('w', `server:\n  name: srv\n  command: server\nclients:\n${yaml}`);
const rendered = () => renderRunCommands(planSuite('s', { rootDir: project.root }).runs[0]!, { rootDir: project.root, artifactDir: '/tmp/a' }).clients[0]!;

describe('results: at plan time', () => {
  it('wrk: no --metrics-file, the report script by absolute path, HARNESS_WRK_REPORT for scripts of one’s own', () => {
    client('  name: wrk\n  command: wrk -c2 -d1s http://127.0.0.1:1/\n  results: { adapter: wrk }\n');
    const c = rendered();
    expect(path.isAbsolute(WRK_REPORT_SCRIPT)).toBe(true);
    expect(c.argv).toEqual(['wrk', '-c2', '-d1s', 'http://127.0.0.1:1/', '--script', WRK_REPORT_SCRIPT]);
    expect(c.env.HARNESS_WRK_REPORT).toBe(WRK_REPORT_SCRIPT);
    expect(c.results).toEqual({ adapter: 'wrk' });
    client('  name: wrk\n  command: wrk -s mine.lua http://127.0.0.1:1/\n  results: { adapter: wrk }\n');
    expect(rendered().argv).toEqual(['wrk', '-s', 'mine.lua', 'http://127.0.0.1:1/']);
  });

  it('renders `file` with templates, relative to the client’s cwd', () => {
    client('  name: t\n  command: tool\n  cwd: tools\n  results: { adapter: json, file: "out-{{run.mode}}.json", load_model: open, fields: { achieved_rps: rps } }\n');
    expect(rendered().results).toMatchObject({ adapter: 'json', file: path.join(project.root, 'tools', 'out-baseline.json') });
  });

  it('refuses an unknown adapter and a misspelled option with their location', () => {
    client('  name: t\n  command: tool\n  results: { adapter: wrkk }\n');
    expect(() => planSuite('s', { rootDir: project.root })).toThrow(ConfigError);
    expect(() => planSuite('s', { rootDir: project.root })).toThrow(/w\.yaml:7:\d+ clients\.results\.adapter: Invalid discriminator value\. Expected 'redis-benchmark' \| 'wrk' \| 'httperf'/);
    client('  name: t\n  command: tool\n  results: { adapter: redis-benchmark, tset: GET }\n');
    expect(() => planSuite('s', { rootDir: project.root })).toThrow(/unknown key `tset`[\s\S]*did you mean `test`/);
  });

  it('refuses a remote client with an adapter: the adapter reads output on this node', () => {
    client('  name: t\n  command: tool\n  remote: { host: 10.0.0.2 }\n  results: { adapter: ab }\n');
    expect(() => planSuite('s', { rootDir: project.root })).toThrow(/clients\.results.*result adapters read the client’s output on this node/);
  });
});
