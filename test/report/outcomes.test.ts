import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { judgeOutcomes } from '../../harness/report/judge-outcomes.ts';
import { outcomeFromRecord } from '../../harness/report/run-outcome.ts';
import { outcomeFromTest, outcomesOfFailedFile, type TestFacts } from '../../harness/report/vitest-outcomes.ts';
import type { HarnessTaskMeta } from '../../harness/results/task-meta.ts';
import { fakeRecord } from '../helpers/run-records.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';

const moduleId = '/p/suites/overhead/kv.part1.test.ts';
const facts = (over: Partial<TestFacts>): TestFacts => ({ name: 'kv/perf/default/0', moduleId, meta: undefined, state: 'passed', errorMessage: undefined, note: undefined, todo: false, durationMs: 12, interrupted: false, ...over });

describe('outcomeFromRecord', () => {
  it('maps run_result.json status and error into the outcome reporters see', () => {
    const failed = outcomeFromRecord(fakeRecord({ mode: 'perf', repetition: 1, status: 'failed', metrics: {} }), 9);
    expect(failed).toMatchObject({ name: 'kv/perf/default/1', state: 'failed', descriptorLine: 9, error: { kind: 'process', logTail: 'boom' } });
    const interrupted = fakeRecord({ mode: 'perf', repetition: 2, metrics: {} });
    interrupted.result.status = 'interrupted';
    expect(outcomeFromRecord(interrupted)).toMatchObject({ state: 'error', error: { kind: 'internal', message: 'run interrupted' } });
  });
});

describe('outcomeFromTest', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('names a run from its test name and file when it has no task meta', () => {
    const o = outcomeFromTest(facts({ state: 'failed', errorMessage: 'Run kv/perf/default/0 failed: boom' }));
    expect(o).toMatchObject({ suite: 'overhead', workload: 'kv', mode: 'perf', variant: 'default', repetition: 0, state: 'failed', durationMs: 12, record: null, error: { message: 'Run kv/perf/default/0 failed: boom', kind: 'internal' } });
    expect(o.descriptor).toBe('experiments/configs/experiments/overhead.yaml');
  });

  it('reads the run result: its failure kind and log tail; a resumed run reports its earlier pass', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'outcome-'));
    const rec = fakeRecord({ mode: 'perf', repetition: 0, status: 'failed', metrics: {} });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'run_result.json'), JSON.stringify(rec.result));
    const meta = { runId: 'r', artifactDir: dir, suite: 'overhead', workload: 'kv', mode: 'perf', variant: 'default', params: {}, repetition: 0, descriptor: 'd.yaml', descriptorLine: 4 } satisfies HarnessTaskMeta;
    expect(outcomeFromTest(facts({ meta, state: 'failed', errorMessage: 'failed' }))).toMatchObject({ state: 'failed', error: { kind: 'process', logTail: 'boom' }, descriptorLine: 4 });
    writeFileSync(path.join(dir, 'run_result.json'), JSON.stringify(fakeRecord({ mode: 'perf', repetition: 0, metrics: { throughput_rps: 1 } }).result));
    expect(outcomeFromTest(facts({ meta: { ...meta, resumed: true }, state: 'skipped', note: 'resumed' }))).toMatchObject({ state: 'passed', error: null });
  });

  it('makes a run an interrupted suite never finished an error, and a filtered one skipped', () => {
    expect(outcomeFromTest(facts({ state: 'pending', interrupted: true }))).toMatchObject({ state: 'error', error: { kind: 'interrupted', message: 'not run: the suite was interrupted' } });
    expect(outcomeFromTest(facts({ state: 'skipped', interrupted: true, note: 'filtered' }))).toMatchObject({ state: 'skipped', skipReason: 'filtered' });
    expect(outcomeFromTest(facts({ state: 'skipped', todo: true }))).toMatchObject({ state: 'skipped', skipReason: 'todo' });
  });
});

describe('outcomesOfFailedFile', () => {
  let project: TempProject | undefined;
  afterEach(() => project?.dispose());

  const planOf = (suite: string) => planSuite(suite, { rootDir: project!.root });
  it('lists the planned runs of the file that failed to load, or the file itself when the plan is broken', () => {
    project = new TempProject();
    project.workload('tiny', TINY_WORKLOAD);
    project.suite('s', 'workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline, perf]\n    repetitions: 2\n');
    const file = path.join(project.root, 'suites/s/tiny.part2.test.ts');
    const outs = outcomesOfFailedFile(project.root, file, 'Unexpected token', planOf);
    expect(outs.map((o) => [o.name, o.state, o.error?.kind])).toEqual([
      ['tiny/baseline/default/1', 'error', 'config'],
      ['tiny/perf/default/1', 'error', 'config'],
    ]);
    expect(outs[0]!.error!.message).toBe('suites/s/tiny.part2.test.ts failed to load: Unexpected token');
    expect(outs[0]!.runId).toMatch(/^[0-9a-f]+$/);
    project.suite('s', 'workloads: [oops');
    expect(outcomesOfFailedFile(project.root, file, 'x', planOf).map((o) => [o.name, o.state])).toEqual([['suites/s/tiny.part2.test.ts', 'error']]);
  });
});

describe('judgeOutcomes', () => {
  it('judges an overhead expectation a run could not check once its block baseline is among the results', () => {
    const base = fakeRecord({ mode: 'baseline', repetition: 0, metrics: { throughput_rps: 1000 } });
    const perf = fakeRecord({ mode: 'perf', repetition: 0, metrics: { throughput_rps: 500 } });
    const checks = { validity: { require_throughput: true, max_error_ratio: 1, min_achieved_ratio: 0, reject_saturated: false, disturbed_retries: 0 }, expect: { overhead_pct: { max: 10 } } };
    perf.result.assessment = { checks, baseline: null, overhead_pct: {}, problems: [], unchecked: ['overhead_pct'] };
    const [, judged] = judgeOutcomes([outcomeFromRecord(base), outcomeFromRecord(perf)]);
    expect(judged).toMatchObject({ state: 'failed', error: { kind: 'invalid', message: 'Run is not a valid measurement: expected overhead_pct ≤ 10, got 100' } });
    expect(judged!.record!.result).toMatchObject({ status: 'failed', assessment: { unchecked: [], overhead_pct: { throughput_rps: 100 } } });
    // Without the baseline it stays as the run left it (passed, with its "not checked" warning).
    expect(judgeOutcomes([outcomeFromRecord(perf)])[0]).toMatchObject({ state: 'passed' });
  });
});
