import { readFileSync } from 'node:fs';
import { findExecutable } from './which.ts';

/** CPU pinning and NUMA policy for one process. */
export interface Pinning {
  /** CPU list for `taskset -c`, e.g. "0-3,8". */
  cpus?: string;
  /** Options for `numactl`, each rendered as `--key=value`. */
  numa?: { cpunodebind?: string | number; membind?: string | number; physcpubind?: string; interleave?: string };
}

/** A pinning request that cannot work here: every problem, with how to fix it. */
export class PinningError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`CPU pinning cannot work on this host:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PinningError';
    this.problems = problems;
  }
}

const CPU_LIST = /^\d+(-\d+(:\d+)?)?(,\d+(-\d+(:\d+)?)?)*$/;

// argv prefixed with `taskset -c <cpus>` and/or `numactl … --`; unchanged when nothing is pinned.
// numactl's --cpunodebind/--physcpubind replace the affinity taskset set, so they may not be combined with cpus.
export function wrapWithPinning(argv: string[], p: Pinning): string[] {
  const numaArgs = Object.entries(p.numa ?? {})
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `--${k}=${v}`);
  const problems: string[] = [];
  if (p.cpus !== undefined && !CPU_LIST.test(p.cpus)) problems.push(`cpus "${p.cpus}" is not a CPU list like "0-3,8"`);
  if (p.cpus && (p.numa?.cpunodebind !== undefined || p.numa?.physcpubind !== undefined)) {
    problems.push('cpus (taskset) and numa.cpunodebind/physcpubind both set the CPU affinity; keep one (numa.physcpubind takes a CPU list too)');
  }
  if ((p.cpus || numaArgs.length > 0) && argv[0]?.startsWith('-')) problems.push(`the command may not start with "-" when pinned: ${argv[0]}`);
  if (problems.length > 0) throw new PinningError(problems);
  const prefix: string[] = [];
  if (p.cpus) prefix.push('taskset', '-c', p.cpus); // taskset takes no `--`: the first non-option is the command
  if (numaArgs.length > 0) prefix.push('numactl', ...numaArgs, '--');
  return [...prefix, ...argv];
}

const INSTALL_HINT: Record<string, string> = {
  taskset: 'install util-linux (Debian/Ubuntu: apt-get install util-linux; Fedora/RHEL: dnf install util-linux)',
  numactl: 'install numactl (Debian/Ubuntu: apt-get install numactl; Fedora/RHEL: dnf install numactl)',
};

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

// Check, before any run, that the pinning tools exist and the CPUs are ours; returns the tools' paths.
export async function checkPinningTools(p: Pinning, env: { path?: string; statusFile?: string } = {}): Promise<Record<string, string>> {
  const needed = [...(p.cpus ? ['taskset'] : []), ...(Object.values(p.numa ?? {}).some((v) => v !== undefined && v !== '') ? ['numactl'] : [])];
  const found: Record<string, string> = {};
  const problems: string[] = [];
  for (const tool of needed) {
    const file = findExecutable(tool, env.path ?? process.env.PATH ?? '');
    if (file) found[tool] = file;
    else problems.push(`${tool} not found on PATH: ${INSTALL_HINT[tool]}`);
  }
  const allowed = p.cpus && CPU_LIST.test(p.cpus) ? allowedCpus(env.statusFile) : undefined;
  if (p.cpus && allowed) {
    const missing = [...parseCpuList(p.cpus)].filter((cpu) => !allowed.has(cpu));
    if (missing.length > 0) problems.push(`cpus "${p.cpus}" includes CPUs this host does not offer: ${missing.slice(0, 16).join(',')}${missing.length > 16 ? ',…' : ''} (allowed: ${formatCpuList(allowed)})`);
  }
  if (problems.length > 0) throw new PinningError(problems);
  return found;
}
