import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { RunRecord } from '../report/run-records.ts';
import { executionId, rowsForRun, type TableRows } from './rows.ts';
import { ident, literal, schemaStatements } from './schema.ts';

export interface IngestResult {
  runs: number;
  skipped: number;
  rows: Record<string, number>;
  durationMs: number;
}

/** ClickHouse could not be reached or refused a statement. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
}

// A client for the ClickHouse HTTP interface (compression off: ClickHouse 18 handles it poorly).
export function connectClickHouse(url: string): ClickHouseClient {
  return createClient({ url, request_timeout: 30_000, compression: { request: false, response: false } });
}

async function run<T>(what: string, url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const msg = (err as Error).message;
    const hint = /ECONNREFUSED|fetch failed|socket/i.test(msg) ? ` — is ClickHouse running and its HTTP port at ${url}?` : '';
    throw new IngestError(`ClickHouse ${what} failed: ${msg.split('\n')[0]}${hint}`);
  }
}

// Write runs into ClickHouse, creating the schema if missing; runs already there (same execution) are skipped.
export async function ingestRuns(client: ClickHouseClient, records: readonly RunRecord[], opts: { url: string; database: string; batchSize?: number }): Promise<IngestResult> {
  const started = performance.now();
  const db = ident(opts.database);
  for (const sql of schemaStatements(db)) await run('schema creation', opts.url, () => client.command({ query: sql }));
  const existing = new Set<string>();
  const ids = records.map(executionId);
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const res = await run('lookup', opts.url, () => client.query({ query: `SELECT DISTINCT execution_id FROM ${db}.runs WHERE execution_id IN (${chunk.map(literal).join(',')})`, format: 'JSONEachRow' }));
    for (const row of await res.json<{ execution_id: string }>()) existing.add(row.execution_id);
  }
  const fresh = records.filter((r) => !existing.has(executionId(r)));
  const rows: Record<string, number> = {};
  const batch = opts.batchSize ?? 2000;
  for (let i = 0; i < fresh.length; i += batch) {
    const tables: TableRows = {};
    for (const rec of fresh.slice(i, i + batch)) for (const [t, rs] of Object.entries(rowsForRun(rec))) (tables[t] ??= []).push(...rs);
    // runs last: a crash mid-batch leaves no run row, so the retry ingests the whole run again.
    for (const t of [...Object.keys(tables).filter((x) => x !== 'runs'), 'runs']) {
      const values = tables[t] ?? [];
      if (values.length === 0) continue;
      await run(`insert into ${t}`, opts.url, () => client.insert({ table: `${db}.${t}`, values, format: 'JSONEachRow' }));
      rows[t] = (rows[t] ?? 0) + values.length;
    }
  }
  return { runs: fresh.length, skipped: records.length - fresh.length, rows, durationMs: performance.now() - started };
}

// The notebook query: a suite's table (one row per run, key metrics as columns) from one artifact id.
export function suiteTableQuery(database: string, artifactId: string): string {
  const db = ident(database);
  return `SELECT workload, mode, variant, repetition, status, throughput_rps, p50_us, p99_us, artifact_id
FROM (
  SELECT execution_id, workload, mode, variant, repetition, status, artifact_id FROM ${db}.runs FINAL
  WHERE suite = (SELECT any(suite) FROM ${db}.runs WHERE artifact_id = ${literal(artifactId)})
    AND (session_id = (SELECT any(session_id) FROM ${db}.runs WHERE artifact_id = ${literal(artifactId)}))
)
ANY LEFT JOIN (
  SELECT execution_id,
    anyIf(value, metric = 'throughput_rps') AS throughput_rps,
    anyIf(value, metric = 'p50_us') AS p50_us,
    anyIf(value, metric = 'p99_us') AS p99_us
  FROM ${db}.run_metrics GROUP BY execution_id
) USING execution_id
ORDER BY workload, variant, repetition, mode`;
}
