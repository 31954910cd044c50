export interface CpuUtilisation {
  cpu: string;
  samples: number;
  usr: number;
  sys: number;
  iowait: number;
  irq: number;
  soft: number;
  steal: number;
  idle: number;
  /** 100 − idle. */
  busy: number;
}

export interface MpstatSummary {
  interval_samples: number;
  /** Mean per core (and `all`) over the samples. */
  cpus: CpuUtilisation[];
}

type Load = Record<string, number | string>;
type MpstatJson = { sysstat?: { hosts?: { statistics?: { 'cpu-load'?: Load[] }[] }[] } };

const FIELDS = ['usr', 'sys', 'iowait', 'irq', 'soft', 'steal', 'idle'] as const;

// Summarise `mpstat -o JSON -P ALL N` output into mean utilisation per core.
export function parseMpstatJson(text: string): MpstatSummary {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('mpstat wrote no JSON');
  const doc = JSON.parse(text.slice(start)) as MpstatJson;
  const stats = doc.sysstat?.hosts?.[0]?.statistics ?? [];
  const acc = new Map<string, { n: number; sums: Record<string, number> }>();
  for (const s of stats) {
    for (const load of s['cpu-load'] ?? []) {
      const cpu = String(load.cpu);
      const entry = acc.get(cpu) ?? { n: 0, sums: {} };
      entry.n += 1;
      for (const f of FIELDS) entry.sums[f] = (entry.sums[f] ?? 0) + Number(load[f] ?? 0);
      acc.set(cpu, entry);
    }
  }
  const round = (x: number): number => Math.round(x * 100) / 100;
  const cpus = [...acc].map(([cpu, { n, sums }]) => {
    const mean = (f: string): number => round((sums[f] ?? 0) / n);
    return { cpu, samples: n, usr: mean('usr'), sys: mean('sys'), iowait: mean('iowait'), irq: mean('irq'), soft: mean('soft'), steal: mean('steal'), idle: mean('idle'), busy: round(100 - (sums.idle ?? 0) / n) };
  });
  return { interval_samples: stats.length, cpus };
}
