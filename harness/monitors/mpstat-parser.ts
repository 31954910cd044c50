import { LocalClock } from './local-clock.ts';

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

/** One interval of one core (or `all`): the time series behind the means. */
export interface CpuSample {
  /** End of the interval, ISO 8601 (null when mpstat printed no usable time). */
  t: string | null;
  cpu: string;
  usr: number;
  sys: number;
  iowait: number;
  idle: number;
  busy: number;
}

export interface MpstatSummary {
  interval_samples: number;
  /** Mean per core (and `all`) over the samples. */
  cpus: CpuUtilisation[];
  /** Every interval of every core, in time order. */
  samples: CpuSample[];
}

type Load = Record<string, number | string>;
type MpstatJson = { sysstat?: { hosts?: { date?: string; statistics?: { timestamp?: string; 'cpu-load'?: Load[] }[] }[] } };

const FIELDS = ['usr', 'sys', 'iowait', 'irq', 'soft', 'steal', 'idle'] as const;

// Summarise `mpstat -o JSON -P ALL N` output into mean utilisation per core.
export function parseMpstatJson(text: string): MpstatSummary {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('mpstat wrote no JSON');
  const doc = JSON.parse(text.slice(start)) as MpstatJson;
  const host = doc.sysstat?.hosts?.[0];
  const stats = host?.statistics ?? [];
  const clock = new LocalClock(host?.date);
  const samples: CpuSample[] = [];
  for (const s of stats) {
    const t = clock.at(s.timestamp);
    for (const load of s['cpu-load'] ?? []) {
      const v = (f: string): number => Number(load[f] ?? 0);
      samples.push({ t, cpu: String(load.cpu), usr: v('usr'), sys: v('sys'), iowait: v('iowait'), idle: v('idle'), busy: Math.round((100 - v('idle')) * 100) / 100 });
    }
  }
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
  return { interval_samples: stats.length, cpus, samples };
}
