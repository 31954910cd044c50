import { ident, literal } from './schema.ts';
import type { SqlEngine } from './sql-engine.ts';
import { HarnessError } from '../errors/harness-error.ts';

/**
 * The runs one ID selects, as a subquery of execution ids: a suite execution ID selects every run
 * of that invocation; a run's artifact ID (its folder name) selects the whole suite execution it
 * belongs to (or only itself, for results older than the suite execution ID). Of a run measured
 * again after a disturbance, only its last attempt (the earlier ones stay in `runs`, `attempt` < max).
 */
export function selectedRunsSql(database: string, id: string): string {
  const db = ident(database);
  const x = literal(id);
  // Of a run measured again (validity.disturbed_retries), the last attempt; an artifact ID named is kept.
  return `SELECT execution_id FROM ${db}.runs WHERE artifact_id = ${x} OR (suite_execution_id != '' AND suite_execution_id IN (SELECT suite_execution_id FROM ${db}.runs WHERE suite_execution_id = ${x} OR artifact_id = ${x}) AND (suite_execution_id, run_id, attempt) IN (SELECT suite_execution_id, run_id, max(attempt) FROM ${db}.runs GROUP BY suite_execution_id, run_id))`;
}

export interface Selection {
  suites: string[];
  suiteExecutionIds: string[];
  runs: number;
}

/** An ID that selects no ingested run. */
export class UnknownIdError extends HarnessError {
  readonly failureKind = 'config' as const;
  override name = 'UnknownIdError';
}

// What an ID selects, checked before a notebook is written for it.
export async function describeSelection(engine: SqlEngine, database: string, id: string): Promise<Selection> {
  const db = ident(database);
  const rows = await engine.query<{ suite: string; suite_execution_id: string; n: number | string }>(
    `SELECT suite, suite_execution_id, count() AS n FROM ${db}.runs WHERE execution_id IN (${selectedRunsSql(db, id)}) GROUP BY suite, suite_execution_id ORDER BY suite_execution_id`,
  );
  if (rows.length === 0) throw new UnknownIdError(`no ingested run has suite execution ID or artifact ID "${id}" in database ${db} at ${engine.where}: ingest its artifacts first (npx harness ingest ARTIFACTS… --clickhouse URL)`);
  return { suites: [...new Set(rows.map((r) => r.suite))], suiteExecutionIds: [...new Set(rows.map((r) => r.suite_execution_id))], runs: rows.reduce((a, r) => a + Number(r.n), 0) };
}

// A suite's table (one row per run, key metrics as columns) from one suite execution or artifact ID.
export function suiteTableQuery(database: string, id: string): string {
  const db = ident(database);
  return `SELECT workload, mode, variant, repetition, status, throughput_rps, p50_us, p99_us, artifact_id
FROM (
  SELECT execution_id, workload, mode, variant, repetition, status, artifact_id FROM ${db}.runs
  WHERE execution_id IN (${selectedRunsSql(db, id)})
) AS r
ANY LEFT JOIN (
  SELECT execution_id,
    anyIf(value, metric = 'throughput_rps') AS throughput_rps,
    anyIf(value, metric = 'p50_us') AS p50_us,
    anyIf(value, metric = 'p99_us') AS p99_us
  FROM ${db}.run_metrics GROUP BY execution_id
) AS m USING execution_id
ORDER BY workload, variant, repetition, mode`;
}
