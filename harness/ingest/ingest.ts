import type { RunRecord } from '../results/artifact-store.ts';
import { migrate } from './migrations.ts';
import { executionId, rowsForRun, type TableRows } from './rows.ts';
import { ident, literal } from './schema.ts';
import type { SqlEngine } from './sql-engine.ts';

export { HttpEngine, IngestError, type SqlEngine } from './sql-engine.ts';

export interface IngestProgress {
  runsDone: number;
  runsTotal: number;
  rows: number;
}

export interface IngestOptions {
  database: string;
  /** Runs per batch. @default 2000 */
  batchSize?: number;
  /** A batch is also flushed once it holds this many rows. @default 200000 */
  maxBatchRows?: number;
  /** Called after each batch is written. */
  onProgress?: (p: IngestProgress) => void;
}

export interface IngestResult {
  runs: number;
  skipped: number;
  rows: Record<string, number>;
  /** Schema versions applied by this call (empty when the database was current). */
  migrated: number[];
  /** What could not be read (a missing dump, a truth log cut short): reported, never silently dropped. */
  warnings: string[];
  durationMs: number;
}

// Write runs into ClickHouse after migrating its schema; runs already there (same execution) are skipped.
export async function ingestRuns(engine: SqlEngine, records: readonly RunRecord[], opts: IngestOptions): Promise<IngestResult> {
  const started = performance.now();
  const db = ident(opts.database);
  const migrated = await migrate(engine, db);
  const existing = new Set<string>();
  const ids = records.map(executionId);
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    for (const row of await engine.query<{ execution_id: string }>(`SELECT DISTINCT execution_id FROM ${db}.runs WHERE execution_id IN (${chunk.map(literal).join(',')})`)) existing.add(row.execution_id);
  }
  const fresh = records.filter((r) => !existing.has(executionId(r)));
  const rows: Record<string, number> = {};
  const warnings: string[] = [];
  const batchSize = opts.batchSize ?? 2000;
  const maxRows = opts.maxBatchRows ?? 200_000;
  let pending: TableRows = {};
  let pendingRows = 0;
  let pendingRuns = 0;
  let done = 0;
  const flush = async (): Promise<void> => {
    // runs last: a crash mid-batch leaves no run row, so the retry ingests those runs whole again.
    for (const t of [...Object.keys(pending).filter((x) => x !== 'runs'), 'runs']) {
      const values = pending[t] ?? [];
      for (let i = 0; i < values.length; i += 50_000) await engine.insert(`${db}.${t}`, values.slice(i, i + 50_000));
      if (values.length > 0) rows[t] = (rows[t] ?? 0) + values.length;
    }
    done += pendingRuns;
    pending = {};
    pendingRows = 0;
    pendingRuns = 0;
    opts.onProgress?.({ runsDone: done, runsTotal: fresh.length, rows: Object.values(rows).reduce((a, b) => a + b, 0) });
  };
  for (const rec of fresh) {
    const run = rowsForRun(rec);
    warnings.push(...run.warnings);
    for (const [t, rs] of Object.entries(run.tables)) {
      if (rs.length === 0) continue;
      (pending[t] ??= []).push(...rs);
      pendingRows += rs.length;
    }
    pendingRuns++;
    if (pendingRuns >= batchSize || pendingRows >= maxRows) await flush();
  }
  if (pendingRuns > 0) await flush();
  return { runs: fresh.length, skipped: records.length - fresh.length, rows, migrated, warnings, durationMs: performance.now() - started };
}
