import { readFileSync } from 'node:fs';

export { wrapWithPinning, PinningError, type Pinning } from '../util/pinning-argv.ts';

// CPUs this process may run on (Linux), from the kernel's own list; undefined when unknown.
export function allowedCpus(statusFile = '/proc/self/status'): Set<number> | undefined {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(statusFile, 'utf8'));
    return line?.[1] ? parseCpuList(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

// "0-3,8,10-14:2" → {0,1,2,3,8,10,12,14}
export function parseCpuList(list: string): Set<number> {
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: "${list}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = Math.max(1, Number(m[3] ?? 1));
    for (let cpu = from; cpu <= to && cpu - from <= 65_536; cpu += step) cpus.add(cpu);
  }
  return cpus;
}

// {0,1,2,3,8} → "0-3,8"
export function formatCpuList(cpus: Iterable<number>): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(from === sorted[i] ? `${from}` : `${from}-${sorted[i]}`);
  }
  return parts.join(',');
}

