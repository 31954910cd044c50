import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assessRun, type Baselines, type RunBlock } from '../../harness/results/assess-run.ts';
import { ArtifactBaselines, RecordBaselines } from '../../harness/results/baselines.ts';
import type { RunChecks, ValidityRules } from '../../harness/results/validity.ts';
import { fakeRecord } from '../helpers/run-records.ts';

const RULES: ValidityRules = { require_throughput: true, max_error_ratio: 0.01, min_achieved_ratio: 0.9, reject_saturated: true, disturbed_retries: 1 };
const block = (mode: string, repetition = 0): RunBlock => ({ suite: 'overhead', workload: 'kv', mode, variant: 'default', repetition });
const fixed = (keyMetrics: Record<string, number> | undefined): Baselines => ({ find: () => (keyMetrics ? { runId: 'b0', dir: '/a/b0', keyMetrics } : undefined) });

describe('assessRun', () => {
  const checks = { validity: RULES, expect: { p99_us: { max: 500 }, overhead_pct: { max: 10 } } };
  const metrics = { throughput_rps: 800, offered_rps: 800, completed: 800, p99_us: 300 };

  it('derives overhead_pct per metric against the block baseline, with the direction of each metric', () => {
    const a = assessRun({ ...block('perf'), checks: { validity: RULES, expect: {} }, hasClients: true }, metrics, fixed({ throughput_rps: 1000, p99_us: 200 }));
    expect(a.overhead_pct.throughput_rps).toBeCloseTo(25); // 1000 / 800 − 1: throughput cost
    expect(a.overhead_pct.p99_us).toBeCloseTo(50); // 300 / 200 − 1: latency cost
    expect(a.baseline).toEqual({ run_id: 'b0', artifact_dir: '/a/b0' });
  });

  it('judges overhead expectations only with a baseline, and names the ones it could not check', () => {
    const none = assessRun({ ...block('perf'), checks, hasClients: true }, metrics, fixed(undefined));
    expect(none).toMatchObject({ problems: [], unchecked: ['overhead_pct'], baseline: null, overhead_pct: {} });
    const some = assessRun({ ...block('perf'), checks, hasClients: true }, { ...metrics, p99_us: 900 }, fixed({ throughput_rps: 1000 }));
    expect(some.problems).toEqual(['expected p99_us ≤ 500, got 900', 'expected overhead_pct ≤ 10, got 25']);
    expect(some.unchecked).toEqual([]);
    expect(some.checks).toEqual(checks); // recorded, so the summary and merge can judge again
  });

  it('never looks for a baseline for the baseline itself, and puts validity problems first', () => {
    const base = assessRun({ ...block('baseline'), checks, hasClients: true }, { ...metrics, throughput_rps: 0 }, fixed({ throughput_rps: 1 }));
    expect(base.baseline).toBeNull();
    expect(base.problems[0]).toMatch(/^no throughput/);
    expect(base.unchecked).toEqual(['overhead_pct']);
    expect(base.disturbed).toBe(false);
  });

  it('is `disturbed` only when every problem is a disturbance: an unmet expectation or a failed check is not', () => {
    const judge = (m: Record<string, number>, bounds: RunChecks['expect'] = {}) => assessRun({ ...block('baseline'), checks: { validity: RULES, expect: bounds }, hasClients: true }, { ...metrics, ...m }, fixed(undefined));
    expect(judge({ saturated: 1 }).disturbed).toBe(true);
    expect(judge({ never_steady: 1, saturated: 1 }).disturbed).toBe(true);
    expect(judge({ saturated: 1 }, { throughput_rps: { min: 1e9 } }).disturbed).toBe(false);
    expect(judge({ saturated: 1, errors: 1e9 }).disturbed).toBe(false);
    expect(judge({}).disturbed).toBeUndefined(); // a valid run has nothing to say
  });
});

describe('baselines', () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  function store(name: string, mode: string, status: 'passed' | 'failed', session: string, startedAt: string, id = `${mode}00000000`): void {
    const r = fakeRecord({ mode, repetition: 0, status, metrics: { throughput_rps: startedAt.endsWith('1Z') ? 111 : 222 } }).result;
    r.run.session_id = session;
    r.run.id = id;
    r.started_at = startedAt;
    mkdirSync(path.join(root!, name), { recursive: true });
    writeFileSync(path.join(root!, name, 'run_result.json'), JSON.stringify(r));
  }

  it('finds the block baseline of this session in the artifacts folder; an earlier one only when resuming', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'baselines-'));
    store('20261128-100000-000_kv_baseline_default_r0', 'baseline', 'passed', 'old', '2026-11-28T10:00:01Z');
    store('20261128-100000-000_kv_perf_default_r0', 'perf', 'passed', 'now', '2026-11-28T11:00:00Z');
    const perf = { ...block('perf'), baselineRunId: 'baseline00000000' };
    expect(new ArtifactBaselines(root, { sessionId: 'now', resume: false }).find(perf)).toBeUndefined();
    expect(new ArtifactBaselines(root, { sessionId: 'now', resume: true }).find(perf)?.keyMetrics).toEqual({ throughput_rps: 111 });
    // A resumed baseline must be the planned one: another id (a changed config) never counts.
    expect(new ArtifactBaselines(root, { sessionId: 'now', resume: true }).find({ ...perf, baselineRunId: 'other' })).toBeUndefined();
    store('20261128-110000-000_kv_baseline_default_r0', 'baseline', 'passed', 'now', '2026-11-28T11:00:02Z');
    expect(new ArtifactBaselines(root, { sessionId: 'now', resume: true }).find(perf)?.keyMetrics).toEqual({ throughput_rps: 222 });
  });

  it('takes a baseline this session measured and failed as no baseline, even when an older one passed', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'baselines-'));
    store('20261128-100000-000_kv_baseline_default_r0', 'baseline', 'passed', 'old', '2026-11-28T10:00:01Z');
    store('20261128-110000-000_kv_baseline_default_r0', 'baseline', 'failed', 'now', '2026-11-28T11:00:00Z');
    expect(new ArtifactBaselines(root, { sessionId: 'now', resume: true }).find({ ...block('perf'), baselineRunId: 'baseline00000000' })).toBeUndefined();
  });

  it('finds the latest passed baseline of a block among run records (summary, merge)', () => {
    const records = [fakeRecord({ mode: 'baseline', repetition: 0, metrics: { throughput_rps: 1 } }), fakeRecord({ mode: 'baseline', repetition: 1, metrics: { throughput_rps: 2 } }), fakeRecord({ mode: 'baseline', repetition: 1, status: 'failed', metrics: {} })];
    expect(new RecordBaselines(records).find(block('perf', 1))?.keyMetrics).toEqual({ throughput_rps: 2 });
    expect(new RecordBaselines(records).find(block('perf', 2))).toBeUndefined();
  });
});
