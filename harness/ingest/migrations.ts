import { engine, ident, literal } from './schema.ts';
import type { SqlEngine } from './sql-engine.ts';

/** One step of a migration: a statement that is idempotent, or a column added if missing. */
export type MigrationStep = { sql: string } | { addColumn: { table: string; column: string; type: string } };

export interface Migration {
  version: number;
  name: string;
  steps(db: string): MigrationStep[];
}

const create = (db: string, table: string, body: string): MigrationStep => ({ sql: `CREATE TABLE IF NOT EXISTS ${db}.${table} ${body}` });

/**
 * The schema as versioned migrations, applied in order and recorded in `schema_migrations`. Every
 * step is idempotent (IF NOT EXISTS, columns added only when missing), so a migration interrupted
 * half-way is simply applied again. Plain SQL that ClickHouse 18.16 and current versions both take:
 * no DateTime64, no LowCardinality, no query parameters. Never edit a released migration; add one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs and their scalars',
    steps: (db) => [
      create(db, 'runs', `(
        execution_id String, run_id String, artifact_id String, session_id String, suite String, descriptor String,
        workload String, mode String, variant String, repetition UInt32, status String, error String,
        started_at DateTime, duration_ms Float64, artifact_dir String
      ) ${engine('execution_id')}`),
      create(db, 'run_params', `(execution_id String, name String, value String) ${engine('execution_id, name')}`),
      create(db, 'run_metrics', `(execution_id String, metric String, value Float64) ${engine('execution_id, metric')}`),
      create(db, 'perf_stat', `(execution_id String, event String, value Nullable(Float64), unit String, supported UInt8, enabled_pct Nullable(Float64)) ${engine('execution_id, event')}`),
      create(db, 'prometheus_samples', `(execution_id String, family String, type String, labels String, value Float64) ${engine('execution_id, family, labels')}`),
      create(db, 'monitor_cpu', `(execution_id String, cpu String, usr Float64, sys Float64, iowait Float64, idle Float64, busy Float64) ${engine('execution_id, cpu')}`),
      create(db, 'monitor_processes', `(execution_id String, pid UInt32, command String, cpu_pct_mean Float64, cpu_pct_max Float64, rss_kb_max Float64) ${engine('execution_id, pid')}`),
      create(db, 'annotations', `(execution_id String, name String, value String) ${engine('execution_id, name')}`),
    ],
  },
  {
    version: 2,
    name: 'suite execution id, latency histograms, time series, truth logs',
    steps: (db) => [
      { addColumn: { table: 'runs', column: 'suite_execution_id', type: 'String DEFAULT session_id' } },
      { addColumn: { table: 'runs', column: 'load_start', type: 'Float64 DEFAULT 0' } },
      { addColumn: { table: 'runs', column: 'load_end', type: 'Float64 DEFAULT 0' } },
      create(db, 'latency_histograms', `(execution_id String, client String, unit String, encoding String, data String, total_count UInt64, max_value Float64) ${engine('execution_id, client')}`),
      create(db, 'latency_buckets', `(execution_id String, client String, value Float64, count UInt64) ${engine('execution_id, client, value')}`),
      create(db, 'timeseries', `(execution_id String, source String, series String, labels String, ts Float64, value Float64) ${engine('execution_id, source, series, labels, ts')}`),
      create(db, 'truth_events', `(execution_id String, source String, kind String, seq Int64, t_us Int64, subject String, outcome String, detail String) ${engine('execution_id, source, kind, seq, t_us')}`),
      create(db, 'truth_summaries', `(execution_id String, source String, name String, value Float64) ${engine('execution_id, source, name')}`),
    ],
  },
  {
    version: 3,
    name: 'attempts: a run measured again after a disturbance keeps every attempt; selections take the last',
    steps: () => [{ addColumn: { table: 'runs', column: 'attempt', type: 'UInt32 DEFAULT 1' } }],
  },
  {
    version: 4,
    name: 'precision targets: the run\'s precision settings, so an analysis can replay the stop rule',
    steps: () => [{ addColumn: { table: 'runs', column: 'precision', type: "String DEFAULT ''" } }],
  },
];

/** The newest schema version this harness writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

// Bring a database to the newest schema; returns the versions applied now (none when current).
export async function migrate(engineIn: SqlEngine, database: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const db = ident(database);
  await engineIn.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
  await engineIn.command(`CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime) ${engine('version')}`);
  const done = new Set((await engineIn.query<{ version: number | string }>(`SELECT version FROM ${db}.schema_migrations`)).map((r) => Number(r.version)));
  const newest = Math.max(0, ...done);
  const known = Math.max(...migrations.map((m) => m.version));
  if (newest > known) throw new Error(`database ${db} has schema version ${newest}, newer than this harness knows (${known}): upgrade the harness`);
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const step of m.steps(db)) await applyStep(engineIn, db, step);
    const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
    await engineIn.insert(`${db}.schema_migrations`, [{ version: m.version, name: m.name, applied_at: now }]);
    applied.push(m.version);
  }
  return applied;
}

async function applyStep(e: SqlEngine, db: string, step: MigrationStep): Promise<void> {
  if ('sql' in step) return e.command(step.sql);
  const { table, column, type } = step.addColumn;
  // ClickHouse 18 has no ADD COLUMN IF NOT EXISTS: look first.
  const found = await e.query<{ n: number | string }>(`SELECT count() AS n FROM system.columns WHERE database = ${literal(db)} AND table = ${literal(table)} AND name = ${literal(column)}`);
  if (Number(found[0]?.n ?? 0) === 0) await e.command(`ALTER TABLE ${db}.${table} ADD COLUMN ${column} ${type}`);
}
