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

// Summarise `pidstat -h -u -r -p PIDS N` (LC_ALL=C) into CPU and memory per process.
export function parsePidstat(text: string): ProcessCpu[] {
  let header: string[] | null = null;
  const acc = new Map<number, { command: string; rows: Record<string, number>[] }>();
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
    const pid = row.PID;
    if (pid === undefined || !Number.isFinite(pid)) continue;
    const command = cols.slice(header.length - 1).join(' ');
    const entry = acc.get(pid) ?? { command, rows: [] };
    entry.rows.push(row);
    acc.set(pid, entry);
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
