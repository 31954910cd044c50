import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpEngine, ingestRuns, type SqlEngine } from '../../harness/ingest/ingest.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../harness/ingest/migrations.ts';
import { describeSelection, selectedRunsSql, suiteTableQuery, UnknownIdError } from '../../harness/ingest/select.ts';
import { percentileFromBuckets } from '../../harness/ingest/hdr.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import { ClickHouseServer } from '../helpers/clickhouse.ts';
import { ChdbEngine } from '../helpers/chdb-engine.ts';
import { fakeLatencies, writeFakeSuite } from '../helpers/ingest-suite.ts';
import { runCli } from '../helpers/cli.ts';

// The same ingest, migrations and queries on Debian's ClickHouse 18.16 (a real server started for
// this file) and on a current ClickHouse (26.x, in-process through chdb).
const server = new ClickHouseServer();
let chdb: ChdbEngine;
let dir: string;
let suiteA: RunRecord[];
let suiteB: RunRecord[];
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-'));
  suiteA = writeFakeSuite(path.join(dir, 'a'), { suiteExecutionId: '20261128-100000-000-aaaaaa' });
  suiteB = writeFakeSuite(path.join(dir, 'b'), { suiteExecutionId: '20261128-110000-000-bbbbbb', reps: 1, startMs: Date.parse('2026-11-28T11:00:00Z') });
  await server.start();
  chdb = await new ChdbEngine().open();
}, 60_000);
afterAll(async () => {
  await chdb?.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engines: [string, () => SqlEngine][] = [
  ['ClickHouse 18.16 server', () => new HttpEngine(server.url)],
  ['current ClickHouse (chdb)', () => chdb],
];

describe.each(engines)('harness ingest into %s', (_label, engineOf) => {
  const count = async (e: SqlEngine, sql: string): Promise<number> => Number((await e.query<{ n: string | number }>(sql))[0]!.n);

  it('migrates, loads every table in batches with progress, and adds nothing when ingested twice', async () => {
    const e = engineOf();
    const progress: number[] = [];
    const first = await ingestRuns(e, [...suiteA, ...suiteB], { database: 'h', batchSize: 4, onProgress: (p) => progress.push(p.runsDone) });
    expect(first).toMatchObject({ runs: 8, skipped: 0, migrated: [1, 2, 3, 4] });
    expect(progress).toEqual([4, 8]);
    // Per run: 3 timeline × 5 fields, 3 mpstat × 4 fields; observed runs add 4 scrapes × 2 series and 2 perf intervals.
    expect(first.rows).toMatchObject({ runs: 8, latency_histograms: 8, timeseries: 8 * (15 + 12) + 4 * (8 + 2), truth_events: 8 * 4, truth_summaries: 8 * (5 + 2) });
    // The cut-short last line of each kv truth log is reported, not silently dropped.
    expect(first.warnings).toHaveLength(8);
    expect(first.warnings[0]).toMatch(/truth\/kv_perturbations.jsonl: 1 line\(s\) are not JSON/);
    const tables = Object.keys(first.rows);
    const before = await Promise.all(tables.map((t) => count(e, `SELECT count() AS n FROM h.${t}`)));
    const second = await ingestRuns(e, suiteA, { database: 'h' });
    expect(second).toMatchObject({ runs: 0, skipped: 6, migrated: [] });
    expect(await Promise.all(tables.map((t) => count(e, `SELECT count() AS n FROM h.${t}`)))).toEqual(before);
    expect(await count(e, `SELECT max(version) AS n FROM h.schema_migrations`)).toBe(SCHEMA_VERSION);
  });

  it('selects a whole suite execution from its ID or from any of its runs’ artifact IDs, and nothing of another', async () => {
    const e = engineOf();
    const artifact = path.basename(suiteA[3]!.dir);
    for (const id of ['20261128-100000-000-aaaaaa', artifact]) {
      expect(await describeSelection(e, 'h', id)).toEqual({ suites: ['overhead'], suiteExecutionIds: ['20261128-100000-000-aaaaaa'], runs: 6 });
    }
    await expect(describeSelection(e, 'h', 'nope')).rejects.toThrow(UnknownIdError);
    const table = await e.query<{ mode: string; repetition: number | string; throughput_rps: number }>(suiteTableQuery('h', artifact));
    expect(table).toHaveLength(6);
    expect(table.find((r) => r.mode === 'microsentinel' && Number(r.repetition) === 2)!.throughput_rps).toBe(952);
  });

  it('keeps every attempt of a run measured again, and selects its last one (as summary and merge count it)', async () => {
    const e = engineOf();
    const id = '20261128-120000-000-cccccc';
    const runs = writeFakeSuite(mkdtempSync(path.join(dir, "attempts-")), { suiteExecutionId: id, reps: 1, startMs: Date.parse('2026-11-28T12:00:00Z') });
    // The microsentinel run's first attempt failed as disturbed; the second passed (its own folder, later start).
    const first = runs[1]!;
    const again = structuredClone(first);
    first.result.status = 'failed';
    first.result.run.attempt = 1;
    again.dir = `${first.dir}-2`;
    again.result.run.attempt = 2;
    again.result.started_at = new Date(Date.parse(first.result.started_at) + 10_000).toISOString();
    await ingestRuns(e, [...runs, again], { database: 'h' });
    expect(await count(e, `SELECT count() AS n FROM h.runs WHERE suite_execution_id = '${id}'`)).toBe(3);
    expect(await describeSelection(e, 'h', id)).toMatchObject({ runs: 2 });
    const table = await e.query<{ mode: string; status: string; artifact_id: string }>(suiteTableQuery('h', id));
    expect(table.map((r) => `${r.mode}:${r.status}:${r.artifact_id}`)).toEqual([`baseline:passed:${path.basename(runs[0]!.dir)}`, `microsentinel:passed:${path.basename(again.dir)}`]);
    // Named by its artifact ID, the discarded attempt is still there to look at.
    expect((await e.query<{ execution_id: string }>(selectedRunsSql('h', path.basename(first.dir)))).length).toBe(3);
  });

  it('recomputes any percentile from the histogram buckets and merges runs as one histogram', async () => {
    const e = engineOf();
    const rows = await e.query<{ value: number; count: number | string }>(
      `SELECT value, sum(count) AS count FROM h.latency_buckets WHERE execution_id IN (SELECT execution_id FROM h.runs WHERE mode = 'microsentinel' AND execution_id IN (${selectedRunsSql('h', '20261128-100000-000-aaaaaa')})) GROUP BY value ORDER BY value`,
    );
    // Buckets know the maximum only to their width; the generators' exact maximum caps the top percentiles.
    const [{ max }] = await e.query<{ max: number }>(`SELECT max(max_value) AS max FROM h.latency_histograms WHERE execution_id IN (SELECT execution_id FROM h.runs WHERE mode = 'microsentinel' AND suite_execution_id = '20261128-100000-000-aaaaaa')`) as [{ max: number }];
    const merged = { buckets: rows.map((r) => ({ value: r.value, count: Number(r.count) })), totalCount: rows.reduce((a, r) => a + Number(r.count), 0), maxValue: max };
    const reference = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: false });
    for (const rep of [0, 1, 2]) for (const v of fakeLatencies('microsentinel', rep)) reference.recordValue(v);
    expect(merged.totalCount).toBe(600);
    for (const p of [50, 90, 99, 99.9]) expect(percentileFromBuckets(merged, p), `p${p}`).toBe(Math.min(reference.getValueAtPercentile(p), reference.maxValue));
    reference.destroy();
  });

  it('keeps every time series in time, and the truth logs with what they are about', async () => {
    const e = engineOf();
    const run = suiteA[1]!;
    const idOf = `(SELECT execution_id FROM h.runs WHERE artifact_id = '${path.basename(run.dir)}')`;
    const series = await e.query<{ source: string; series: string; labels: string; n: number | string; first: number }>(
      `SELECT source, series, labels, count() AS n, min(ts) AS first FROM h.timeseries WHERE execution_id IN ${idOf} GROUP BY source, series, labels ORDER BY source, series, labels`,
    );
    const loadStart = Date.parse(run.result.phases.load_start!) / 1000;
    expect(series.find((s) => s.source === 'prometheus:observer' && s.series === 'microsentinel_samples_total')).toMatchObject({ labels: '{}', n: expect.anything(), first: loadStart });
    expect(series.find((s) => s.series === 'microsentinel_target_cpu_seconds')!.labels).toBe('{"pid":"42"}');
    expect(series.filter((s) => s.source === 'generator:kv-gen').map((s) => s.series).sort()).toEqual(['achieved', 'errors', 'offered', 'p50_us', 'p99_us']);
    expect(series.find((s) => s.source === 'mpstat' && s.series === 'cpu_busy_pct')!.labels).toBe('{"cpu":"all"}');
    expect(series.find((s) => s.source === 'perf_stat' && s.series === 'task-clock')).toMatchObject({ n: expect.anything(), first: Date.parse(run.result.commands[1]!.started_at!) / 1000 + 1 });
    const truth = await e.query<{ source: string; kind: string; subject: string; outcome: string }>(`SELECT source, kind, subject, outcome FROM h.truth_events WHERE execution_id IN ${idOf} ORDER BY source, seq`);
    expect(truth).toEqual([
      { source: 'firewall', kind: 'decision', subject: '7', outcome: 'deny' },
      { source: 'kv_perturbations', kind: 'perturbation', subject: 'key:1', outcome: '200' },
      { source: 'kv_perturbations', kind: 'perturbation', subject: 'key:2', outcome: '200' },
      { source: 'kv_perturbations', kind: 'perturbation', subject: 'key:3', outcome: '200' },
    ]);
    expect(await count(e, `SELECT any(value) AS n FROM h.truth_summaries WHERE execution_id IN ${idOf} AND name = 'dropped.deny'`)).toBe(2);
  });

  it('migrates a database of the first schema: older runs keep their session id as suite execution ID', async () => {
    const e = engineOf();
    expect(await migrate(e, 'old', MIGRATIONS.slice(0, 1))).toEqual([1]);
    await e.insert('old.runs', [{ execution_id: 'e1', run_id: 'r', artifact_id: 'a1', session_id: 'S1', suite: 's', descriptor: 'd', workload: 'w', mode: 'baseline', variant: 'v', repetition: 0, status: 'passed', error: '', started_at: '2026-11-28 10:00:00', duration_ms: 1, artifact_dir: '/x' }]);
    expect(await migrate(e, 'old')).toEqual([2, 3, 4]);
    expect(await migrate(e, 'old')).toEqual([]);
    expect(await e.query(`SELECT suite_execution_id, load_start, attempt, precision FROM old.runs`)).toEqual([{ suite_execution_id: 'S1', load_start: 0, attempt: 1, precision: '' }]);
  });
});

describe('harness ingest (CLI)', () => {
  it('prints progress per batch, the migration and every warning; refuses a bad batch size (exit 2)', async () => {
    const res = await runCli(['ingest', path.join(dir, 'a'), path.join(dir, 'b'), '--clickhouse', server.url, '--database', 'cli', '--batch-size', '3'], { cwd: dir });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stderr.match(/^ingest: \d+\/8 runs, \d+ rows$/gm)?.map((l) => l.split(' ')[1])).toEqual(['3/8', '6/8', '8/8']);
    expect(res.stderr).toContain('note: database cli migrated to schema version 4');
    expect(res.stderr.match(/^warning: .*kv_perturbations.jsonl: 1 line\(s\) are not JSON/gm)).toHaveLength(8);
    expect(res.stdout).toMatch(/^ingested 8 runs \(0 already present\) into cli in \d+ ms: .*runs 8/m);
    const bad = await runCli(['ingest', path.join(dir, 'a'), '--clickhouse', server.url, '--batch-size', '0'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--batch-size must be a whole number of runs above 0, got "0"');
  });
});
