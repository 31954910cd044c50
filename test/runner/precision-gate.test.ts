import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite, type SuitePlan } from '../../harness/plan/build-plan.ts';
import type { PlannedRun } from '../../harness/plan/run-types.ts';
import { PreviousRuns } from '../../harness/results/previous-runs.ts';
import { axisOf, blocksFromResults, replayPrecision } from '../../harness/results/precision-replay.ts';
import { PrecisionGate } from '../../harness/runner/precision-gate.ts';
import { computePrecisionRows } from '../../harness/report/precision-rows.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import { fakeRecord } from '../helpers/run-records.ts';
import { TempProject } from '../helpers/temp-project.ts';

const METRIC = 'server_cpu_us_per_req';
let project: TempProject;
let plan: SuitePlan;
let root: string;

beforeEach(() => {
  project = new TempProject();
  project.workload('w', 'server:\n  name: srv\n  command: server\nclients:\n  name: gen\n  generator: gen\n');
  project.suite(
    's',
    `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline, perf]\n    precision:\n      min_repetitions: 3\n      max_repetitions: 20\n      targets:\n        - { metric: ${METRIC}, half_width: 10, margin: 20 }\n`,
  );
  plan = planSuite('s', { rootDir: project.root });
  root = path.join(project.root, 'experiments/artifacts');
});
afterEach(() => project.dispose());

// perf costs 3 % in every block, with a little deterministic noise.
// On an injected_us axis: 36 µs plus the injected cost D.
const cpu = (run: PlannedRun): number => {
  const d = run.variant.params.injected_us;
  const level = typeof d === 'number' ? 36 + d : run.mode === 'baseline' ? 100 : 103;
  return level * (1 + 0.004 * Math.sin(run.repetition * 2.3 + (run.mode === 'perf' ? 1 : 0) + (typeof d === 'number' ? d : 0)));
};

// A run_result.json as a suite execution leaves it, in its own artifact folder.
function record(run: PlannedRun, executionId: string, opts: { status?: 'passed' | 'failed'; attempt?: number } = {}): RunRecord {
  const r = fakeRecord({ workload: run.workload, mode: run.mode, variant: run.variant.label, repetition: run.repetition, status: opts.status ?? 'passed', metrics: { [METRIC]: cpu(run), throughput_rps: 1000 } }, 's');
  r.result.run = { ...r.result.run, id: run.id, name: run.name, suite_execution_id: executionId, ...(opts.attempt ? { attempt: opts.attempt } : {}) };
  r.result.assessment = { checks: { validity: run.validity, expect: {}, precision: run.precision! }, baseline: null, overhead_pct: {}, problems: [], unchecked: [] };
  return r;
}
function write(r: RunRecord, stamp: string): void {
  const dir = path.join(root, `${stamp}_${r.result.run.workload}_${r.result.run.mode}_${r.result.run.variant}_r${r.result.run.repetition}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'run_result.json'), JSON.stringify({ ...r.result, artifact_dir: dir }));
}
const stamp = (i: number, attempt = 0): string => `20261206-0000${String(i).padStart(2, '0')}-${String(attempt).padStart(3, '0')}`;

// Measure the suite as the runner does: ask the gate before each run, write the result of each measured one.
function execute(gate: PrecisionGate, executionId: string, opts: { write?: boolean } = {}): { measured: PlannedRun[]; skipped: { run: PlannedRun; reason: string }[] } {
  const measured: PlannedRun[] = [];
  const skipped: { run: PlannedRun; reason: string }[] = [];
  plan.runs.forEach((run, i) => {
    const d = gate.check(run);
    if (!d.measure) return skipped.push({ run, reason: d.reason });
    measured.push(run);
    if (opts.write !== false) write(record(run, executionId), stamp(i));
  });
  return { measured, skipped };
}

describe('PrecisionGate', () => {
  it('measures blocks until the stop rule says stop, then skips every later block with its reason', () => {
    // What the stop rule says over the full 20 blocks, deciding after each.
    const all = plan.runs.map((r) => record(r, 'x').result);
    const expected = replayPrecision(plan.runs[0]!.precision!, blocksFromResults(all, axisOf(plan.runs[0]!.precision)), { untilStop: true }).stop!;
    expect(expected.blocks).toBeGreaterThanOrEqual(7);
    expect(expected.blocks).toBeLessThan(20);

    const { measured, skipped } = execute(new PrecisionGate(root, { executionId: 'e1', planRuns: plan.runs }), 'e1');
    expect(measured).toHaveLength(2 * expected.blocks);
    expect(new Set(measured.map((r) => r.repetition)).size).toBe(expected.blocks);
    expect(skipped).toHaveLength(40 - 2 * expected.blocks);
    expect(skipped[0]!.run.repetition).toBe(expected.blocks);
    expect(skipped[0]!.reason).toBe(`precision: ${expected.reason} after ${expected.blocks} blocks (${expected.message}); block ${expected.blocks} is not needed`);
  });

  it('reads only its own suite execution: a shard or a later invocation decides on the blocks it measured', () => {
    execute(new PrecisionGate(root, { executionId: 'e1', planRuns: plan.runs }), 'e1');
    // Another execution (a shard, a later invocation) decides on the blocks it measured itself.
    const other = execute(new PrecisionGate(root, { executionId: 'e2', planRuns: plan.runs }), 'e2', { write: false });
    expect(other.skipped).toEqual([]);
  });

  it('counts the last attempt of a run measured again, and a failed run as a missing value', () => {
    const spec = plan.runs[0]!.precision!;
    const stopWith = (results: RunRecord[]): number => replayPrecision(spec, blocksFromResults(results.map((r) => r.result), axisOf(spec)), { untilStop: true }).stop!.blocks;
    const perf0 = (r: PlannedRun): boolean => r.mode === 'perf' && r.repetition === 0;
    // Block 0's perf run failed once (a disturbance) and passed when measured again: the pass counts.
    plan.runs.forEach((run, i) => {
      if (perf0(run)) write(record(run, 'e1', { status: 'failed', attempt: 1 }), stamp(i, 1));
      write(record(run, 'e1', perf0(run) ? { attempt: 2 } : {}), stamp(i, 2));
    });
    const blocks = stopWith(plan.runs.map((r) => record(r, 'x')));
    const gate = new PrecisionGate(root, { executionId: 'e1', planRuns: plan.runs });
    const at = (rep: number) => gate.check(plan.runs.find((r) => r.mode === 'baseline' && r.repetition === rep)!);
    expect(at(blocks - 1).measure).toBe(true);
    expect(at(blocks).measure).toBe(false);
    // Had the failed attempt been the result, block 0 would lack perf's value and need more blocks.
    const withFailure = stopWith(plan.runs.map((r) => record(r, 'x', perf0(r) ? { status: 'failed' } : {})));
    expect(withFailure).toBeGreaterThan(blocks);
  });

  it('under --resume replays the resumed passed results of earlier executions', () => {
    execute(new PrecisionGate(root, { executionId: 'e1', planRuns: plan.runs }), 'e1');
    const resumed = execute(new PrecisionGate(root, { executionId: 'e3', planRuns: plan.runs, previous: PreviousRuns.scan(root) }), 'e3', { write: false });
    const first = replayPrecision(plan.runs[0]!.precision!, blocksFromResults(plan.runs.map((r) => record(r, 'x').result), axisOf(plan.runs[0]!.precision)), { untilStop: true }).stop!;
    expect(resumed.measured).toHaveLength(2 * first.blocks);
    expect(resumed.skipped[0]!.reason).toContain(`after ${first.blocks} blocks`);
  });
});

describe('summary precision rows', () => {
  it('replay every block measured: estimate, anytime-valid interval, achieved width, verdict and stop reason per mode', () => {
    const stop = replayPrecision(plan.runs[0]!.precision!, blocksFromResults(plan.runs.map((r) => record(r, 'x').result), axisOf(plan.runs[0]!.precision)), { untilStop: true }).stop!;
    const measured = plan.runs.filter((r) => r.repetition < stop.blocks).map((r) => record(r, 'e1'));
    const rows = computePrecisionRows(measured);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ workload: 'w', mode: 'perf', metric: METRIC, of: 'overhead', target: 10, blocks: stop.blocks, blocks_measured: stop.blocks, margin: 20, stop_reason: stop.reason });
    expect(row.estimate).toBeCloseTo(3, 0);
    expect(row.interval.low!).toBeLessThan(3);
    expect(row.interval.high!).toBeGreaterThan(3);
    expect(row.achieved_half_width!).toBeLessThanOrEqual(10);
    // Two blocks only: nothing bounded yet, the suite ended before the rule said stop.
    const open = computePrecisionRows(plan.runs.filter((r) => r.repetition < 2).map((r) => record(r, 'e1')))[0]!;
    expect(open).toMatchObject({ achieved_half_width: null, interval: { low: -100, high: null }, status: 'pending', stop_reason: 'open' });
  });
});

describe('a block spanning a parameter (of: difference against injected_us: 0)', () => {
  beforeEach(() => {
    project.suite(
      's',
      `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n    parameters:\n      injected_us: [0, 5, 20]\n    precision:\n      min_repetitions: 3\n      max_repetitions: 30\n      targets:\n        - { metric: ${METRIC}, of: difference, half_width: 10, against: { injected_us: 0 } }\n`,
    );
    plan = planSuite('s', { rootDir: project.root });
  });

  it('decides per block of every level, skips the rest with the reason, and reports the recovered µs per level', () => {
    const spec = plan.runs[0]!.precision!;
    const expected = replayPrecision(spec, blocksFromResults(plan.runs.map((r) => record(r, 'x').result), axisOf(spec)), { untilStop: true }).stop!;
    expect(expected.reason).toBe('target-met');
    const { measured, skipped } = execute(new PrecisionGate(root, { executionId: 'e1', planRuns: plan.runs }), 'e1');
    // Every level of a block is measured or skipped together: the answer depends on earlier blocks only.
    expect(measured).toHaveLength(3 * expected.blocks);
    expect(skipped).toHaveLength(3 * (30 - expected.blocks));
    expect(skipped[0]!.reason).toBe(`precision: target-met after ${expected.blocks} blocks (${expected.message}); block ${expected.blocks} is not needed`);

    const rows = computePrecisionRows(measured.map((r) => record(r, 'e1')));
    expect(rows.map((r) => [r.variant, r.mode, r.axis, r.level, r.mutation, r.of, r.against, r.status])).toEqual([
      ['default', 'baseline', 'injected_us', '5', null, 'difference', 'injected_us=0', 'met'],
      ['default', 'baseline', 'injected_us', '20', null, 'difference', 'injected_us=0', 'met'],
    ]);
    for (const r of rows) {
      const d = Number(r.level);
      expect(Math.abs(r.estimate! / d - 1)).toBeLessThan(0.1);
      expect(r.interval.low!).toBeLessThan(d);
      expect(r.interval.high!).toBeGreaterThan(d);
      expect(r.achieved_half_width!).toBeLessThanOrEqual(10);
    }
  });
});

describe('stop_arms: each (a level whose target is met is not measured again)', () => {
  beforeEach(() => {
    project.suite(
      's',
      `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n    parameters:\n      injected_us: [0, 5, 200]\n    precision:\n      min_repetitions: 3\n      max_repetitions: 40\n      stop_arms: each\n      targets:\n        - { metric: ${METRIC}, of: difference, half_width: 10, against: { injected_us: 0 } }\n`,
    );
    plan = planSuite('s', { rootDir: project.root });
  });

  it('skips the settled level with its reason, keeps the reference and the open level, and freezes the settled row', () => {
    const { measured, skipped } = execute(new PrecisionGate(root, { executionId: 'e1', planRuns: plan.runs }), 'e1');
    const levelOf = (r: PlannedRun): number => r.variant.params.injected_us as number;
    const blocksOf = (d: number): number => measured.filter((r) => levelOf(r) === d).length;
    // D = 200 settled first; D = 5 and the reference went on, block for block.
    expect(blocksOf(200)).toBeLessThan(blocksOf(5));
    expect(blocksOf(0)).toBe(blocksOf(5));
    const settled = skipped.filter((s) => s.reason.includes('stop_arms: each'));
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.every((s) => levelOf(s.run) === 200)).toBe(true);
    expect(settled[0]!.run.repetition).toBe(blocksOf(200));
    expect(settled[0]!.reason).toMatch(
      new RegExp(`^precision: baseline at injected_us=200: difference ${METRIC} ±\\d+\\.\\d\\d ≤ ±10 % after ${blocksOf(200)} blocks \\(stop_arms: each\\); its run in block ${blocksOf(200)} is not needed$`),
    );
    // Once D = 5 is met too, the rule stops: every later run is skipped with the suite-wide reason.
    const stopped = skipped.filter((s) => !s.reason.includes('stop_arms: each'));
    expect(stopped.length).toBe(3 * (40 - blocksOf(5)));
    expect(stopped[0]!.reason).toMatch(/^precision: target-met after \d+ blocks/);

    const rows = computePrecisionRows(measured.map((r) => record(r, 'e1')));
    expect(rows.map((r) => [r.level, r.status, r.blocks])).toEqual([
      ['5', 'met', blocksOf(5)],
      ['200', 'met', blocksOf(200)],
    ]);
  });
});
