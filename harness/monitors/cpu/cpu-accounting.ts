import { performance } from 'node:perf_hooks';
import { CpuSectionSchema, type CpuGroup, type CpuRole, type CpuSection } from '../../results/cpu-section-schema.ts';
import { GroupAccount, type GroupSpec } from './group-account.ts';

export interface CpuAccountingOptions {
  /** Poll interval of the schedstat reads. @default 10 */
  intervalMs?: number;
  /** Every how many polls the tree is re-walked and switches/cutime are read (slower reads). @default 10 */
  slowEvery?: number;
}

/** The measurement window: where the generator measured (or the load phase when it said nothing). */
export interface CpuWindow {
  startMs: number;
  endMs: number;
  source: 'generator' | 'load-phase';
}

// Wall-clock ms with sub-ms resolution (Date.now() is whole ms).
const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * The cost-accounting stage: polls `/proc/<pid>/task/*\/schedstat` of every tracked process group
 * from start() to stop(), then reports each group's CPU over the measurement window as the `cpu`
 * section of run_result.json. Plain class; the run session tracks groups as it starts them.
 */
export class CpuAccounting {
  private readonly groups: GroupAccount[] = [];
  private readonly intervalMs: number;
  private readonly slowEvery: number;
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private lastPollMs: number | undefined;
  private maxGapMs = 0;
  private stopped = false;

  constructor(opts: CpuAccountingOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 10;
    this.slowEvery = opts.slowEvery ?? 10;
  }

  // Account a process group (leader pid and descendants) from now on.
  track(spec: GroupSpec): void {
    if (this.stopped) return;
    const t = nowMs();
    const g = new GroupAccount(spec, t);
    g.discover(t, true);
    g.sample(t, true);
    this.groups.push(g);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poll(), this.intervalMs);
  }

  // One read of every group (the timer's, and a full last one at stop).
  poll(full = false): void {
    const t = nowMs();
    const slow = full || this.polls % this.slowEvery === 0;
    for (const g of this.groups) {
      if (slow) g.discover(t, false);
      g.sample(t, slow);
    }
    if (this.lastPollMs !== undefined) this.maxGapMs = Math.max(this.maxGapMs, t - this.lastPollMs);
    this.lastPollMs = t;
    this.polls++;
  }

  // Stop polling (one final full read first) and close the /proc files; idempotent.
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.groups.length > 0) this.poll(true);
    for (const g of this.groups) g.close();
  }

  // Threads of `role`'s groups running or runnable now (on a shared machine a busy server may get
  // little CPU, so its CPU share does not tell busy from idle; its threads' run state does).
  runningThreads(role: CpuRole): number {
    return this.groups.filter((g) => g.spec.role === role).reduce((sum, g) => sum + g.runningThreads(), 0);
  }

  // The `cpu` section for a window; `completed` divides the server's CPU into a per-request cost.
  summarize(window: CpuWindow, completed: number | null): CpuSection {
    const groups = this.groups.map((g) => g.summarize(window.startMs, window.endMs));
    const warnings: string[] = [];
    if (this.maxGapMs > 5 * this.intervalMs) warnings.push(`cpu accounting: polls were up to ${Math.round(this.maxGapMs)} ms apart (target ${this.intervalMs} ms): the harness was starved of CPU, edges of the window are less precise`);
    const windowMs = window.endMs - window.startMs;
    const section: CpuSection = {
      method: 'proc-schedstat-poll',
      interval_ms: this.intervalMs,
      polls: this.polls,
      max_gap_ms: Math.round(this.maxGapMs * 10) / 10,
      window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString(), duration_ms: Math.round(windowMs * 10) / 10, source: window.source },
      completed,
      groups,
      key_metrics: cpuKeyMetrics(groups, windowMs, completed),
      warnings,
    };
    return CpuSectionSchema.parse(section);
  }
}

/**
 * The roles whose CPU is the host's cost of serving and observing the load: `host_cpu_us_per_req`.
 * Not the clients (they stand for users elsewhere), nor antagonists (interference the experiment
 * injects on purpose, the same in every mode: counting it would only dilute the observer's share).
 */
export const HOST_COST_ROLES: readonly CpuRole[] = ['server', 'observer', 'monitor'];

// Key figures: CPU per request of the servers, of the observer and of the whole host (server +
// observer + monitors), and each role's share of one core.
export function cpuKeyMetrics(groups: readonly CpuGroup[], windowMs: number, completed: number | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!(windowMs > 0)) return out;
  const byRole = new Map<CpuRole, CpuGroup[]>();
  for (const g of groups) byRole.set(g.role, [...(byRole.get(g.role) ?? []), g]);
  const perReq = completed && completed > 0 ? completed : null;
  let hostNs = 0;
  for (const [role, gs] of byRole) {
    const ns = gs.reduce((s, g) => s + g.cpu_ns, 0);
    out[`${role}_cpu_pct`] = round((ns / 1e6 / windowMs) * 100);
    if (HOST_COST_ROLES.includes(role)) hostNs += ns;
    if (role === 'observer' && perReq) out.observer_cpu_us_per_req = round(ns / 1e3 / perReq);
    if (role !== 'server' || !perReq) continue;
    out.server_cpu_us_per_req = round(ns / 1e3 / perReq);
    const sw = gs.reduce((s, g) => s + (g.voluntary_switches ?? 0) + (g.involuntary_switches ?? 0), 0);
    out.server_ctx_switches_per_req = round(sw / perReq);
  }
  if (perReq && byRole.has('server')) out.host_cpu_us_per_req = round(hostNs / 1e3 / perReq);
  return out;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
