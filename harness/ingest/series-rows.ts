import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseExposition, parseLabels } from '../instrumentation/openmetrics.ts';
import type { RunRecord } from '../results/artifact-store.ts';
import type { Row } from './rows.ts';

/** One entry of a generator's per-second timeline (metrics JSON `timeline`). */
interface TimelinePoint {
  t_s: number;
  [field: string]: number;
}

const labelsJson = (labels: Record<string, string | number>): string => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Every time series of a run as rows of one long table (source, series, labels, ts, value):
 * `prometheus:<endpoint>` from the OpenMetrics dumps, `mpstat` and `pidstat` per interval,
 * `perf_stat` intervals, and `generator:<client>` from each generator's per-second timeline.
 */
export function seriesRows(record: RunRecord, id: string, warn: (w: string) => void): Row[] {
  const rows: Row[] = [];
  const push = (source: string, series: string, labels: Record<string, string | number>, ts: number, value: unknown): void => {
    if (finite(value) && Number.isFinite(ts)) rows.push({ execution_id: id, source, series, labels: labelsJson(labels), ts, value });
  };
  const r = record.result;
  for (const ep of r.timeseries?.endpoints ?? []) {
    if (!ep.file) continue;
    const file = path.join(record.dir, ep.file);
    if (!existsSync(file)) {
      warn(`${ep.file} (time series of ${ep.name}) is missing from the artifact folder; not ingested`);
      continue;
    }
    for (const s of parseExposition(readFileSync(file, 'utf8')).samples) push(`prometheus:${ep.name}`, s.name, parseLabels(s.labels), Number(s.timestamp), Number(s.value));
  }
  const mpstat = (r.monitors.mpstat as { samples?: { t: string | null; cpu: string; usr: number; sys: number; iowait: number; busy: number }[] } | undefined)?.samples ?? [];
  for (const s of mpstat) {
    const ts = s.t ? Date.parse(s.t) / 1000 : NaN;
    for (const f of ['busy', 'usr', 'sys', 'iowait'] as const) push('mpstat', `cpu_${f}_pct`, { cpu: s.cpu }, ts, s[f]);
  }
  const pidstat = (r.monitors.pidstat as { samples?: { t: string | null; pid: number; cpu_pct: number; usr_pct: number; system_pct: number; rss_kb: number }[] } | undefined)?.samples ?? [];
  for (const s of pidstat) {
    const ts = s.t ? Date.parse(s.t) / 1000 : NaN;
    for (const f of ['cpu_pct', 'usr_pct', 'system_pct', 'rss_kb'] as const) push('pidstat', `process_${f}`, { pid: s.pid }, ts, s[f]);
  }
  // perf stat -I counts from when perf started: the observer command's start time.
  const perfStart = r.commands.find((c) => c.role === 'observer')?.started_at;
  const perf = (r.instrumentation.perf_stat as { values?: { event: string; value: number | null; interval_s?: number }[] } | undefined)?.values ?? [];
  for (const v of perf) if (v.interval_s !== undefined && perfStart) push('perf_stat', v.event, {}, Date.parse(perfStart) / 1000 + v.interval_s, v.value);
  for (const c of r.commands) {
    const m = c.metrics as { started_at?: string; timeline?: TimelinePoint[] } | null | undefined;
    if (c.role !== 'client' || !Array.isArray(m?.timeline)) continue;
    const base = m.started_at ? Date.parse(m.started_at) / 1000 : NaN;
    if (!Number.isFinite(base)) warn(`client ${c.name}: a timeline without started_at cannot be placed in time; not ingested`);
    for (const p of m.timeline) for (const [k, v] of Object.entries(p)) if (k !== 't_s') push(`generator:${c.name}`, k, {}, base + p.t_s, v);
  }
  return rows;
}
