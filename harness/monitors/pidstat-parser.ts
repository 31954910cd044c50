import { LocalClock } from './local-clock.ts';

export interface ProcessCpu {
  pid: number;
  command: string;
  samples: number;
  cpu_pct_mean: number;
  cpu_pct_max: number;
  usr_pct_mean: number;
  system_pct_mean: number;
  rss_kb_max: number;
}

/** One interval of one process. */
export interface ProcessSample {
  t: string | null;
  pid: number;
  cpu_pct: number;
  usr_pct: number;
  system_pct: number;
  rss_kb: number;
}

// Every interval of every process in `pidstat -h -u -r` output (the first line carries the date).
export function parsePidstatSamples(text: string): ProcessSample[] {
  const date = /\s(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{2,4})\s/.exec(text.split('\n', 1)[0] ?? '')?.[1];
  const clock = new LocalClock(date);
  return pidstatRows(text).map(({ row, time }) => ({ t: clock.at(time), pid: row.PID!, cpu_pct: row['%CPU'] ?? 0, usr_pct: row['%usr'] ?? 0, system_pct: row['%system'] ?? 0, rss_kb: row.RSS ?? 0 }));
}

// Data rows of pidstat output, keyed by its header line; the Time column kept as text.
function pidstatRows(text: string): { row: Record<string, number>; time: string; command: string }[] {
  let header: string[] | null = null;
  const out: { row: Record<string, number>; time: string; command: string }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      header = line.replace(/^#\s*/, '').trim().split(/\s+/);
      continue;
    }
    if (!header || !line.trim()) continue;
    const cols = line.trim().split(/\s+/);
    if (cols.length < header.length) continue;
    const row: Record<string, number> = {};
    header.forEach((h, i) => (row[h] = Number(cols[i])));
    if (row.PID === undefined || !Number.isFinite(row.PID)) continue;
    out.push({ row, time: cols[0]!, command: cols.slice(header.length - 1).join(' ') });
  }
  return out;
}

// Summarise `pidstat -h -u -r -p PIDS N` (LC_ALL=C) into CPU and memory per process.
export function parsePidstat(text: string): ProcessCpu[] {
  const acc = new Map<number, { command: string; rows: Record<string, number>[] }>();
  for (const { row, command } of pidstatRows(text)) {
    const entry = acc.get(row.PID!) ?? { command, rows: [] };
    entry.rows.push(row);
    acc.set(row.PID!, entry);
  }
  const mean = (rows: Record<string, number>[], k: string): number => Math.round((rows.reduce((s, r) => s + (r[k] ?? 0), 0) / rows.length) * 100) / 100;
  return [...acc].map(([pid, { command, rows }]) => ({
    pid,
    command,
    samples: rows.length,
    cpu_pct_mean: mean(rows, '%CPU'),
    cpu_pct_max: Math.max(...rows.map((r) => r['%CPU'] ?? 0)),
    usr_pct_mean: mean(rows, '%usr'),
    system_pct_mean: mean(rows, '%system'),
    rss_kb_max: Math.max(...rows.map((r) => r.RSS ?? 0)),
  }));
}
