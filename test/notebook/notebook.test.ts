import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpEngine, ingestRuns } from '../../harness/ingest/ingest.ts';
import { buildNotebook } from '../../harness/notebook/build-notebook.ts';
import { summarizeRuns, type SuiteSummary } from '../../harness/report/summary.ts';
import type { PrecisionSpec } from '../../harness/config/schema/precision.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import { ClickHouseServer } from '../helpers/clickhouse.ts';
import { runCli } from '../helpers/cli.ts';
import { writeFakeSuite } from '../helpers/ingest-suite.ts';
import { cellProblems, displayedJson, executeNotebook, printed } from '../helpers/nbconvert.ts';

// Generated notebooks executed headlessly with Debian's jupyter, pandas and matplotlib, reading a
// real ClickHouse 18.16 or the artifact folders; their numbers are checked against summary.json.
const SUITE = '20261128-100000-000-aaaaaa';
// A suite execution with precision targets: microsentinel's throughput costs ~5 % in every block, and
// every injected D µs adds D to p50 (a difference along injected_us, against injected_us = 0).
const PRECISE = '20261128-140000-000-bbbbbb';
const PRECISION: PrecisionSpec = {
  confidence: 0.95,
  min_repetitions: 3,
  max_repetitions: 14,
  stop_arms: 'together',
  time_budget_s: 3000,
  targets: [
    { metric: 'throughput_rps', of: 'overhead', half_width: 0.5, margin: 2 },
    { metric: 'p50_us', of: 'value', half_width: 2 },
    { metric: 'p50_us', of: 'difference', half_width: 10, against: { injected_us: 0 } },
  ],
};
// The same targets under stop_arms: each — a series met or decided takes no more blocks.
const PRECISE_EACH = '20261128-160000-000-dddddd';
const server = new ClickHouseServer();
let dir: string;
let records: RunRecord[];
let summary: SuiteSummary;
let preciseSummary: SuiteSummary;
let preciseRecords: RunRecord[];
let eachSummary: SuiteSummary;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'notebook-'));
  records = writeFakeSuite(path.join(dir, 'artifacts'), { suiteExecutionId: SUITE, reps: 4 });
  // Another suite execution beside it must not leak into the analysis.
  writeFakeSuite(path.join(dir, 'artifacts'), { suiteExecutionId: '20261128-120000-000-cccccc', reps: 1, startMs: Date.parse('2026-11-28T12:00:00Z') });
  summary = summarizeRuns(records, { suite: 'overhead', descriptor: 'x.yaml' });
  const precise = writeFakeSuite(path.join(dir, 'artifacts'), { suiteExecutionId: PRECISE, reps: 12, precision: PRECISION, levels: [0, 10, 40], startMs: Date.parse('2026-11-28T14:00:00Z') });
  preciseSummary = summarizeRuns(precise, { suite: 'overhead', descriptor: 'x.yaml' });
  preciseRecords = precise;
  const each = writeFakeSuite(path.join(dir, 'artifacts'), { suiteExecutionId: PRECISE_EACH, reps: 12, precision: { ...PRECISION, stop_arms: 'each' }, levels: [0, 10, 40], startMs: Date.parse('2026-11-28T16:00:00Z') });
  eachSummary = summarizeRuns(each, { suite: 'overhead', descriptor: 'x.yaml' });
  await server.start();
}, 60_000);
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Row = Record<string, string | number | null>;
const sixDigits = (x: unknown): number => Number((x as number).toPrecision(6));
const close = (a: unknown, b: number): boolean => typeof a === 'number' && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

// The notebook's statistics and overhead against the harness's summary of the same runs.
function expectMatchesSummary(shown: Record<string, unknown>): void {
  const groups = shown.groups as Row[];
  const overhead = shown.overhead as Row[];
  let compared = 0;
  for (const g of summary.groups) {
    for (const [metric, s] of Object.entries(g.metrics)) {
      const row = groups.find((r) => r.workload === g.workload && r.mode === g.mode && r.variant === g.variant && r.metric === metric);
      expect(row, `${g.mode} ${metric}`).toBeDefined();
      expect(row!.n).toBe(s.n);
      expect(close(row!.mean, s.mean) && close(row!.median, s.median), `${g.mode} ${metric}: ${JSON.stringify(row)} vs ${JSON.stringify(s)}`).toBe(true);
      expect([sixDigits(row!.median_ci_low), sixDigits(row!.median_ci_high)], `${g.mode} ${metric} interval`).toEqual([s.ci95!.low, s.ci95!.high]);
      compared++;
    }
  }
  expect(groups).toHaveLength(compared);
  expect(summary.overhead.length).toBeGreaterThan(0);
  for (const o of summary.overhead) {
    const row = overhead.find((r) => r.workload === o.workload && r.variant === o.variant && r.mode === o.mode && r.metric === o.metric);
    // A percentile the generator's floor could set has no number in summary.json (docs/measurement-floor.md); the notebook does not judge floors.
    if (o.percent === null) continue;
    expect(row, `${o.mode} ${o.metric}`).toBeDefined();
    expect(row!.blocks).toBe(o.blocks);
    expect(close(row!.percent, o.percent), `${o.metric}: ${row!.percent} vs ${o.percent}`).toBe(true);
    // The interval: the same seeded bootstrap with the same generator (summary.json keeps 6 digits).
    expect(sixDigits(row!.ci_low)).toBe(o.ci95!.low);
    expect(sixDigits(row!.ci_high)).toBe(o.ci95!.high);
  }
}

// The notebook's precision rows against summary.json's (the same stop rule, replayed in Python).
function expectPrecisionMatches(shown: Record<string, unknown>, expected: SuiteSummary): void {
  const rows = shown.precision as Row[];
  const want = expected.precision ?? [];
  expect(want.length).toBeGreaterThan(0);
  expect(rows).toHaveLength(want.length);
  for (const p of want) {
    const row = rows.find((r) => r.workload === p.workload && r.variant === p.variant && r.mode === p.mode && r.metric === p.metric && r.of === p.of && (r.level ?? null) === p.level);
    expect(row, `${p.mode} ${p.of} ${p.metric}`).toBeDefined();
    expect({ blocks: row!.blocks, blocks_measured: row!.blocks_measured, status: row!.status, stop_reason: row!.stop_reason, verdict: row!.verdict, verdict_text: row!.verdict_text, target: row!.target })
      .toEqual({ blocks: p.blocks, blocks_measured: p.blocks_measured, status: p.status, stop_reason: p.stop_reason, verdict: p.verdict, verdict_text: p.verdict_text, target: p.target });
    // summary.json keeps 6 digits; an unbounded end is null there and ±Infinity (null in JSON) here.
    for (const [mine, theirs] of [[row!.estimate, p.estimate], [row!.low, p.interval.low], [row!.high, p.interval.high], [row!.achieved_half_width, p.achieved_half_width]] as const) {
      if (theirs === null) expect(mine === null || !Number.isFinite(mine as number), `${p.mode} ${p.metric}: ${String(mine)} vs unbounded`).toBe(true);
      else expect(Math.abs((mine as number) - theirs) <= 1e-5 * Math.max(1, Math.abs(theirs)), `${p.mode} ${p.metric}: ${String(mine)} vs ${theirs}`).toBe(true);
    }
  }
}

describe('harness notebook', () => {
  it('puts the ID and the data source only in its parameters: the analysis cells are the same for every suite', () => {
    const a = buildNotebook({ id: 'A-1', source: { kind: 'clickhouse', url: 'http://h:8123', database: 'db' } });
    const b = buildNotebook({ id: 'B-2', source: { kind: 'artifacts', dir: '/x' } });
    const cells = (nb: Record<string, unknown>) => nb.cells as { source: string[]; metadata: { tags?: string[] } }[];
    const params = cells(a).findIndex((c) => c.metadata.tags?.includes('parameters'));
    expect(cells(a)[params]!.source.join('')).toContain('ID = "A-1"');
    expect(cells(b)[params]!.source.join('')).toContain('SOURCE = "artifacts"');
    expect(cells(a).slice(params + 1)).toEqual(cells(b).slice(params + 1));
  });

  it('executes against ClickHouse 18.16 after ingest: every cell runs and its numbers match summary.json', async () => {
    const engine = new HttpEngine(server.url);
    await ingestRuns(engine, records.concat(preciseRecords), { database: 'harness' });
    await engine.close();
    const out = path.join(dir, 'ch.ipynb');
    const res = await runCli(['notebook', path.basename(records[2]!.dir), '--clickhouse', server.url, '--out', out], { cwd: dir });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stdout).toContain(`8 runs of overhead, suite execution ${SUITE}`);
    const nb = await executeNotebook(out);
    expect(cellProblems(nb)).toEqual([]);
    expectMatchesSummary(displayedJson(nb));
    const text = printed(nb);
    expect(text).toContain(`suite execution ${SUITE}; 8 runs (8 passed)`);
    expect(text).toMatch(/time-series figures; sources: generator:kv-gen, mpstat, perf_stat, prometheus:observer/);
    // The truth logs of each run, counted once per event (3 kv perturbations + 1 firewall decision).
    expect((displayedJson(nb).truth_per_run as Row[]).map((r) => r.events)).toEqual(Array(8).fill(4));
    expect(displayedJson(nb).precision).toEqual([]);
    expect(text).toContain('No precision targets in this suite execution');
    // A suite with precision targets: the rows summary.json has, replayed from what ClickHouse holds.
    const preciseOut = path.join(dir, 'ch-precise.ipynb');
    expect((await runCli(['notebook', PRECISE, '--clickhouse', server.url, '--out', preciseOut], { cwd: dir })).exitCode).toBe(0);
    const preciseNb = await executeNotebook(preciseOut);
    expect(cellProblems(preciseNb)).toEqual([]);
    expectPrecisionMatches(displayedJson(preciseNb), preciseSummary);
  }, 420_000);

  it('executes against the artifact folders directly, with the same numbers', async () => {
    const out = path.join(dir, 'artifacts.ipynb');
    const res = await runCli(['notebook', SUITE, '--artifacts', path.join(dir, 'artifacts'), '--out', out], { cwd: dir });
    expect(res.exitCode, res.all).toBe(0);
    const nb = await executeNotebook(out);
    expect(cellProblems(nb)).toEqual([]);
    expectMatchesSummary(displayedJson(nb));
    expect(printed(nb)).toContain('8 runs (8 passed)');
    const preciseOut = path.join(dir, 'artifacts-precise.ipynb');
    expect((await runCli(['notebook', PRECISE, '--artifacts', path.join(dir, 'artifacts'), '--out', preciseOut], { cwd: dir })).exitCode).toBe(0);
    const preciseNb = await executeNotebook(preciseOut);
    expect(cellProblems(preciseNb)).toEqual([]);
    expectPrecisionMatches(displayedJson(preciseNb), preciseSummary);
    // What the stop rule said: microsentinel's throughput costs more than 2 %, the p50 is known to ±2 %.
    expect((preciseSummary.precision ?? []).map((p) => [p.mode, p.metric, p.status, p.verdict])).toEqual(expect.arrayContaining([['microsentinel', 'throughput_rps', 'decided', 'costs-more']]));
    // The difference along injected_us: D µs recovered per level and mode, the reference level without a row.
    const differences = (preciseSummary.precision ?? []).filter((p) => p.of === 'difference');
    expect(differences.map((p) => [p.mode, p.level]).sort()).toEqual([['baseline', '10'], ['baseline', '40'], ['microsentinel', '10'], ['microsentinel', '40']]);
    for (const p of differences) expect(Math.abs(p.estimate! / Number(p.level) - 1)).toBeLessThan(0.1);

    // stop_arms: each — some series are final before the last block; the Python replay freezes them alike.
    const eachOut = path.join(dir, 'artifacts-each.ipynb');
    expect((await runCli(['notebook', PRECISE_EACH, '--artifacts', path.join(dir, 'artifacts'), '--out', eachOut], { cwd: dir })).exitCode).toBe(0);
    const eachNb = await executeNotebook(eachOut);
    expect(cellProblems(eachNb)).toEqual([]);
    expectPrecisionMatches(displayedJson(eachNb), eachSummary);
    const frozen = (eachSummary.precision ?? []).filter((p) => p.blocks < p.blocks_measured && p.missing_repetitions.length === 0);
    expect(frozen.length).toBeGreaterThan(0);
  }, 420_000);

  it('refuses an ID that selects nothing, a path as an ID, and two sources at once (exit 2)', async () => {
    const unknown = await runCli(['notebook', 'no-such-run', '--clickhouse', server.url], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no ingested run has suite execution ID or artifact ID "no-such-run"');
    const notInFolder = await runCli(['notebook', 'no-such-run', '--artifacts', path.join(dir, 'artifacts')], { cwd: dir });
    expect(notInFolder.exitCode).toBe(2);
    expect(notInFolder.stderr).toContain('no run in');
    const hostile = await runCli(['notebook', '../../etc', '--artifacts', dir], { cwd: dir });
    expect(hostile.exitCode).toBe(2);
    expect(hostile.stderr).toContain('is not a suite execution ID or an artifact folder name');
    const both = await runCli(['notebook', SUITE, '--artifacts', dir, '--clickhouse', server.url], { cwd: dir });
    expect(both.exitCode).toBe(2);
    expect(readFileSync(path.join(dir, 'artifacts', path.basename(records[0]!.dir), 'run_result.json'), 'utf8')).toContain(SUITE);
  });
});
