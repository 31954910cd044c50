import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, ingestRuns, suiteTableQuery } from '../../harness/ingest/ingest.ts';
import type { RunRecord } from '../../harness/report/run-records.ts';
import { ClickHouseServer } from '../helpers/clickhouse.ts';
import { fakeRecord } from '../helpers/run-records.ts';

// Against a real ClickHouse 18.x server started for this file.
const server = new ClickHouseServer();
beforeAll(() => server.start(), 60_000);
afterAll(() => server.stop());

function suite(): RunRecord[] {
  const out: RunRecord[] = [];
  for (let rep = 0; rep < 3; rep++) {
    for (const [mode, rps] of [['baseline', 3000], ['perf', 2900], ['microsentinel', 2800]] as const) {
      const r = fakeRecord({ mode, repetition: rep, metrics: { throughput_rps: rps + rep, p50_us: 80, p99_us: 900, errors: 0 } });
      r.result.run.session_id = 'session-1';
      r.result.started_at = `2026-11-28T10:0${rep}:0${mode.length % 10}.000Z`;
      r.result.run.params = { delta_us: 5 };
      r.result.annotations = { suite_case: 'kv_overhead' };
      r.result.instrumentation = mode === 'perf' ? { perf_stat: { file: 'perf_stat.csv', values: [{ event: 'task-clock', value: 12.5, unit: 'msec', supported: true, counted: true, enabled_pct: 100, metric: null }, { event: 'cycles', value: null, unit: '', supported: false, counted: false, enabled_pct: 100, metric: null }] } } : mode === 'microsentinel' ? { prometheus: { url: 'http://127.0.0.1:9105/metrics', taken_at: '2026-11-28T10:00:01.000Z', file: 'prometheus_snapshot.txt', families: [{ name: 'microsentinel_samples_total', type: 'counter', help: '', samples: [{ labels: {}, value: 1234 }] }] } } : {};
      r.result.monitors = { mpstat: { status: 'ok', log: 'mpstat.log', cpus: [{ cpu: 'all', samples: 2, usr: 10, sys: 5, iowait: 0, irq: 0, soft: 0, steal: 0, idle: 85, busy: 15 }] }, pidstat: { status: 'ok', log: 'pidstat.log', processes: [{ pid: 42, command: 'node', samples: 2, cpu_pct_mean: 20, cpu_pct_max: 30, usr_pct_mean: 15, system_pct_mean: 5, rss_kb_max: 80000 }] } };
      out.push({ ...r, dir: `/tmp/artifacts/run-${mode}-${rep}` });
    }
  }
  return out;
}

describe('harness ingest into ClickHouse', () => {
  it('creates the schema, loads every table, and adds nothing when ingested twice', async () => {
    const client = connectClickHouse(server.url);
    const first = await ingestRuns(client, suite(), { url: server.url, database: 'h' });
    expect(first).toMatchObject({ runs: 9, skipped: 0 });
    expect(first.rows).toMatchObject({ runs: 9, run_params: 9, run_metrics: 36, annotations: 9, perf_stat: 6, prometheus_samples: 3, monitor_cpu: 9, monitor_processes: 9 });
    const counts = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const t of Object.keys(first.rows)) {
        const r = await client.query({ query: `SELECT count() AS n FROM h.${t}`, format: 'JSONEachRow' });
        out[t] = Number((await r.json<{ n: string }>())[0]!.n);
      }
      return out;
    };
    const before = await counts();
    const second = await ingestRuns(client, suite(), { url: server.url, database: 'h' });
    expect(second).toMatchObject({ runs: 0, skipped: 9 });
    expect(await counts()).toEqual(before);
    await client.close();
  });

  it('answers each run’s throughput by mode, and regenerates a suite table from one artifact id', async () => {
    const client = connectClickHouse(server.url);
    const byMode = await client.query({ query: `SELECT r.mode AS mode, count() AS runs, avg(m.value) AS throughput FROM h.runs AS r ANY INNER JOIN (SELECT execution_id, value FROM h.run_metrics WHERE metric = 'throughput_rps') AS m USING execution_id GROUP BY mode ORDER BY mode`, format: 'JSONEachRow' });
    expect(await byMode.json()).toEqual([
      { mode: 'baseline', runs: '3', throughput: 3001 },
      { mode: 'microsentinel', runs: '3', throughput: 2801 },
      { mode: 'perf', runs: '3', throughput: 2901 },
    ]);
    const table = await (await client.query({ query: suiteTableQuery('h', 'run-perf-1'), format: 'JSONEachRow' })).json<{ mode: string; repetition: number; throughput_rps: number }>();
    expect(table).toHaveLength(9);
    expect(table.find((r) => r.mode === 'perf' && r.repetition === 2)!.throughput_rps).toBe(2902);
    await client.close();
  });
});
