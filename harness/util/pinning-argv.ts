import { HarnessError } from '../errors/harness-error.ts';
// Pure argv wrapping for CPU pinning and NUMA policy (shared by the plan and the process layer).

/** CPU pinning and NUMA policy for one process. */
export interface Pinning {
  /** CPU list for `taskset -c`, e.g. "0-3,8". */
  cpus?: string;
  /** Options for `numactl`, each rendered as `--key=value`. */
  numa?: { cpunodebind?: string | number; membind?: string | number; physcpubind?: string; interleave?: string };
}

/** A pinning request that cannot work here: every problem, with how to fix it. */
export class PinningError extends HarnessError {
  readonly failureKind = 'config' as const;
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`CPU pinning cannot work on this host:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PinningError';
    this.problems = problems;
  }
}

export const CPU_LIST = /^\d+(-\d+(:\d+)?)?(,\d+(-\d+(:\d+)?)?)*$/;

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

