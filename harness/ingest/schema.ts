// ClickHouse tables for run results. Plain SQL that ClickHouse 18.x (Debian's clickhouse-server)
// understands: ReplacingMergeTree with ORDER BY, no query parameters, no LowCardinality.
const engine = (order: string): string => `ENGINE = ReplacingMergeTree() ORDER BY (${order})`;

export const TABLES: Record<string, string> = {
  runs: `(
    execution_id String, run_id String, artifact_id String, session_id String, suite String, descriptor String,
    workload String, mode String, variant String, repetition UInt32, status String, error String,
    started_at DateTime, duration_ms Float64, artifact_dir String
  ) ${engine('execution_id')}`,
  run_params: `(execution_id String, name String, value String) ${engine('execution_id, name')}`,
  run_metrics: `(execution_id String, metric String, value Float64) ${engine('execution_id, metric')}`,
  perf_stat: `(execution_id String, event String, value Nullable(Float64), unit String, supported UInt8, enabled_pct Nullable(Float64)) ${engine('execution_id, event')}`,
  prometheus_samples: `(execution_id String, family String, type String, labels String, value Float64) ${engine('execution_id, family, labels')}`,
  monitor_cpu: `(execution_id String, cpu String, usr Float64, sys Float64, iowait Float64, idle Float64, busy Float64) ${engine('execution_id, cpu')}`,
  monitor_processes: `(execution_id String, pid UInt32, command String, cpu_pct_mean Float64, cpu_pct_max Float64, rss_kb_max Float64) ${engine('execution_id, pid')}`,
  annotations: `(execution_id String, name String, value String) ${engine('execution_id, name')}`,
};

// CREATE statements for a database, idempotent.
export function schemaStatements(database: string): string[] {
  return [`CREATE DATABASE IF NOT EXISTS ${ident(database)}`, ...Object.entries(TABLES).map(([t, body]) => `CREATE TABLE IF NOT EXISTS ${ident(database)}.${t} ${body}`)];
}

// A safe identifier (database names come from the command line).
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a valid ClickHouse identifier: ${name} (letters, digits, _)`);
  return name;
}

// A string literal: ClickHouse 18 has no query parameters, so values are escaped here.
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
