import path from 'node:path';
import type { RunRecord } from '../results/artifact-store.ts';
import { sha256 } from '../util/hash.ts';
import { latencyRows } from './latency-rows.ts';
import { seriesRows } from './series-rows.ts';
import { truthRows } from './truth-rows.ts';

export type Row = Record<string, string | number | null>;
export type TableRows = Record<string, Row[]>;

/** A run's rows for every table, and what could not be read (reported, never dropped silently). */
export interface RunRows {
  tables: TableRows;
  warnings: string[];
}

// One execution of a run: the same run id run twice is two executions.
export function executionId(record: RunRecord): string {
  return sha256(`${record.result.run.id}\0${record.result.started_at}`).slice(0, 24);
}

/** The suite execution ID of a run (older results called it session_id); '' when it has none. */
export function suiteExecutionIdOf(record: RunRecord): string {
  return record.result.run.suite_execution_id ?? record.result.run.session_id ?? '';
}

const chTime = (iso: string): string => iso.replace('T', ' ').slice(0, 19);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const epoch = (iso: string | null | undefined): number => (iso ? Date.parse(iso) / 1000 : 0);

// Every table's rows for one run result.
export function rowsForRun(record: RunRecord): RunRows {
  const r = record.result;
  const id = executionId(record);
  const out: TableRows = { runs: [], run_params: [], run_metrics: [], perf_stat: [], prometheus_samples: [], monitor_cpu: [], monitor_processes: [], annotations: [] };
  const suiteExecution = suiteExecutionIdOf(record);
  out.runs!.push({
    execution_id: id,
    run_id: r.run.id,
    artifact_id: path.basename(record.dir),
    session_id: suiteExecution,
    suite_execution_id: suiteExecution,
    suite: r.run.suite,
    descriptor: r.run.descriptor,
    workload: r.run.workload,
    mode: r.run.mode,
    variant: r.run.variant,
    repetition: r.run.repetition,
    attempt: r.run.attempt ?? 1,
    // The run's `precision:` settings as JSON ('' without), as its assessment recorded them.
    precision: r.assessment?.checks.precision ? JSON.stringify(r.assessment.checks.precision) : '',
    status: r.status,
    error: r.error?.message.split('\n')[0] ?? '',
    started_at: chTime(r.started_at),
    duration_ms: r.duration_ms,
    artifact_dir: record.dir,
    load_start: epoch(r.phases.load_start),
    load_end: epoch(r.phases.load_end),
  });
  for (const [name, value] of Object.entries(r.run.params)) out.run_params!.push({ execution_id: id, name, value: String(value) });
  for (const [metric, value] of Object.entries(r.key_metrics)) if (num(value) !== null) out.run_metrics!.push({ execution_id: id, metric, value });
  for (const [name, value] of Object.entries(r.annotations)) out.annotations!.push({ execution_id: id, name, value: String(value) });
  const perf = (r.instrumentation.perf_stat as { values?: { event: string; value: number | null; unit: string; supported: boolean; enabled_pct: number | null; interval_s?: number }[] } | undefined)?.values ?? [];
  for (const v of perf) if (v.interval_s === undefined) out.perf_stat!.push({ execution_id: id, event: v.event, value: v.value, unit: v.unit, supported: v.supported ? 1 : 0, enabled_pct: v.enabled_pct });
  const prom = (r.instrumentation.prometheus as { families?: { name: string; type: string; samples: { labels: Record<string, string>; value: number | null }[] }[] } | undefined)?.families ?? [];
  for (const f of prom) for (const s of f.samples) if (num(s.value) !== null) out.prometheus_samples!.push({ execution_id: id, family: f.name, type: f.type, labels: JSON.stringify(s.labels), value: s.value });
  const cpus = (r.monitors.mpstat as { cpus?: { cpu: string; usr: number; sys: number; iowait: number; idle: number; busy: number }[] } | undefined)?.cpus ?? [];
  for (const c of cpus) out.monitor_cpu!.push({ execution_id: id, cpu: c.cpu, usr: c.usr, sys: c.sys, iowait: c.iowait, idle: c.idle, busy: c.busy });
  const procs = (r.monitors.pidstat as { processes?: { pid: number; command: string; cpu_pct_mean: number; cpu_pct_max: number; rss_kb_max: number }[] } | undefined)?.processes ?? [];
  for (const p of procs) out.monitor_processes!.push({ execution_id: id, pid: p.pid, command: p.command, cpu_pct_mean: p.cpu_pct_mean, cpu_pct_max: p.cpu_pct_max, rss_kb_max: p.rss_kb_max });
  const warnings: string[] = [];
  const note = (w: string): void => void warnings.push(`${path.basename(record.dir)}: ${w}`);
  Object.assign(out, latencyRows(record, id, note), { timeseries: seriesRows(record, id, note) }, truthRows(record, id, note));
  return { tables: out, warnings };
}
