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
type Stats = { timestamp?: string; 'cpu-load'?: Load[] };
type MpstatJson = { sysstat?: { hosts?: { date?: string; statistics?: Stats[] }[] } };

const FIELDS = ['usr', 'sys', 'iowait', 'irq', 'soft', 'steal', 'idle'] as const;

// Summarise `mpstat -o JSON -P ALL N` output into mean utilisation per core.
export function parseMpstatJson(text: string): MpstatSummary {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('mpstat wrote no JSON');
  const { date, stats } = readStatistics(text.slice(start));
  const clock = new LocalClock(date);
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

// The samples of mpstat's JSON. A stopped mpstat leaves the document unfinished (a short run may end
// before its first sample): then every complete sample object is read and the cut-off tail ignored.
function readStatistics(json: string): { date: string | undefined; stats: Stats[] } {
  try {
    const host = (JSON.parse(json) as MpstatJson).sysstat?.hosts?.[0];
    return { date: host?.date, stats: host?.statistics ?? [] };
  } catch {
    const date = /"date"\s*:\s*"([^"]*)"/.exec(json)?.[1];
    const m = /"statistics"\s*:\s*\[/.exec(json);
    return { date, stats: m ? completeObjects(json, m.index + m[0].length) : [] };
  }
}

// JSON objects that follow one another in an array from `from`, up to the first incomplete one.
function completeObjects(json: string, from: number): Stats[] {
  const out: Stats[] = [];
  let i = from;
  for (;;) {
    while (i < json.length && /[\s,]/.test(json[i]!)) i++;
    if (json[i] !== '{') return out;
    const end = objectEnd(json, i);
    if (end < 0) return out;
    out.push(JSON.parse(json.slice(i, end + 1)) as Stats);
    i = end + 1;
  }
}

// Index of the brace closing the object that opens at `start` (strings respected), or -1.
function objectEnd(json: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
