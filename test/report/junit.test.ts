import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildJUnit } from '../../harness/report/junit-reporter.ts';
import { outcomeFromRecord, type RunOutcome } from '../../harness/report/run-outcome.ts';
import { fakeRecord } from '../helpers/run-records.ts';

type Node = Record<string, unknown>;
const parse = (xml: string): Node => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml) as Node;

describe('JUnit XML', () => {
  const passed = outcomeFromRecord(fakeRecord({ mode: 'baseline', repetition: 0, metrics: { throughput_rps: 1234.5678, p99_us: 900 } }), 7);
  const failed = outcomeFromRecord(fakeRecord({ mode: 'perf', repetition: 0, status: 'failed', metrics: {}, error: 'Server kv exited with code 1 while the clients were running: node server.ts\n\n--- last lines ---\nboom' }), 7);
  const skipped: RunOutcome = { ...passed, name: 'kv/microsentinel/default/0', mode: 'microsentinel', state: 'skipped', skipReason: 'filtered out', record: null, artifactDir: null, runId: null, error: null };
  const other = outcomeFromRecord(fakeRecord({ workload: 'lb', mode: 'baseline', repetition: 0, metrics: { throughput_rps: 5 } }), 12);
  const doc = parse(buildJUnit({ suite: 'overhead', outcomes: [passed, failed, skipped, other] }, { rootDir: '/tmp' }));

  it('has a testsuite per suite × workload with the counts consumers read', () => {
    const root = doc.testsuites as Node;
    expect(root).toMatchObject({ '@name': 'overhead', '@tests': '4', '@failures': '1', '@skipped': '1', '@errors': '0' });
    const suites = root.testsuite as Node[];
    expect(suites.map((s) => [s['@name'], s['@tests'], s['@failures'], s['@skipped']])).toEqual([
      ['overhead.kv', '3', '1', '1'],
      ['overhead.lb', '1', '0', '0'],
    ]);
  });

  it('has a testcase per run with classname, name, time, file and properties', () => {
    const cases = ((doc.testsuites as Node).testsuite as Node[])[0]!.testcase as Node[];
    expect(cases[0]).toMatchObject({ '@classname': 'overhead.kv', '@name': 'kv/baseline/default/0', '@time': '2', '@file': 'experiments/configs/experiments/overhead.yaml' });
    const props = Object.fromEntries((((cases[0]!.properties as Node).property) as Node[]).map((p) => [p['@name'], p['@value']]));
    expect(props).toMatchObject({ run_id: 'baseline0000', mode: 'baseline', variant: 'default', repetition: '0', 'metric.throughput_rps': '1234.57', 'metric.p99_us': '900', artifact_dir: 'artifacts/kv_baseline_default_0' });
  });

  it('gives failures a one-line message and the details, skipped runs a reason', () => {
    const cases = ((doc.testsuites as Node).testsuite as Node[])[0]!.testcase as Node[];
    const failure = cases[1]!.failure as Node;
    expect(failure['@message']).toBe('Server kv exited with code 1 while the clients were running: node server.ts');
    expect(failure['@type']).toBe('process'); // the run's failure kind
    expect(String(failure['#text'])).toContain('boom');
    expect(cases[2]!.skipped).toBeDefined();
    const props = Object.fromEntries((((cases[2]!.properties as Node).property) as Node[]).map((p) => [p['@name'], p['@value']]));
    expect(props.skip_reason).toBe('filtered out');
  });

  it('reports runs that could not run, errors outside any run and an interruption as <error>s', () => {
    const notRun: RunOutcome = { ...skipped, name: 'kv/perf/default/1', mode: 'perf', repetition: 1, state: 'error', skipReason: null, error: { message: 'suites/overhead/kv.part2.test.ts failed to load: Unexpected token', kind: 'config', logTail: null } };
    const xml = parse(buildJUnit({ suite: 'overhead', outcomes: [passed, notRun], errors: [{ message: 'Error: unhandled rejection\n  at somewhere' }], interrupted: true }));
    const root = xml.testsuites as Node;
    expect(root).toMatchObject({ '@tests': '3', '@failures': '0', '@errors': '2' });
    const [kv, errors] = root.testsuite as Node[];
    const error = (kv!.testcase as Node[])[1]!.error as Node;
    expect(error).toMatchObject({ '@message': 'suites/overhead/kv.part2.test.ts failed to load: Unexpected token', '@type': 'config' });
    expect(Object.fromEntries(((kv!.properties as Node).property as Node[]).map((p) => [p['@name'], p['@value']]))).toMatchObject({ interrupted: 'true' });
    expect(errors!['@name']).toBe('overhead.(errors)');
    expect(((errors!.testcase as Node[])[0]!.error as Node)['@message']).toBe('Error: unhandled rejection');
  });
});
