import { CpuAccounting } from '../../monitors/cpu/cpu-accounting.ts';
import { measurementWindow, type ClientWindowInput } from '../../monitors/cpu/cpu-window.ts';
import type { CpuRole, CpuSection } from '../../results/cpu-section-schema.ts';
import { keyMetricsFrom } from '../../results/key-metrics.ts';
import { readGeneratorMetricsOrNull } from '../../results/generator-metrics-reader.ts';
import type { RunContext, RunStage, StageReport, StartedGroup } from '../stage.ts';
import type { MonitorStage } from './monitor-stage.ts';
import type { ObserverStage } from './observer-stage.ts';
import type { ServerStage } from './server-stage.ts';

/**
 * The cost-accounting stage (docs/measurement.md: CPU cost per request): the CPU of every local process group of
 * the run — servers, antagonists, monitors, observer (taken from their stages when it starts) and the
 * local clients (the load stage hands each over as it starts it) — polled from schedstat, and
 * reported over the generators' measurement window as the `cpu` section with its key metrics
 * (server_cpu_us_per_req, *_cpu_pct). Right before `load`: it starts just before the clients and
 * stops just after they end.
 */
export class CpuStage implements RunStage {
  readonly name = 'cpu';
  private readonly accounting = new CpuAccounting();
  /** Clients' metrics JSON (read at report(), after copy-back) with their host's clock offset: where the window comes from. */
  private readonly measuredBy: { metricsFile: string; clockOffsetMs: number }[] = [];
  private readonly span: { start: string | null; end: string | null } = { start: null, end: null };

  constructor(
    private readonly ctx: RunContext,
    private readonly servers: ServerStage,
    private readonly monitors: MonitorStage,
    private readonly observer: ObserverStage,
  ) {}

  async start(): Promise<void> {
    for (const g of [...this.servers.groups(), ...this.monitors.groups(), ...this.observer.groups()]) this.track(g);
    this.accounting.start();
    this.span.start = new Date().toISOString();
  }

  /** Account a local process group from now on (the load stage's clients, as it starts them). */
  track(group: StartedGroup): void {
    this.accounting.track({ name: group.name, role: group.role, pid: group.pid });
  }

  /** A client of the run whose metrics JSON says when it measured (clock offset: its host − this node, ms). */
  addMeasuringClient(metricsFile: string, clockOffsetMs: number): void {
    this.measuredBy.push({ metricsFile, clockOffsetMs });
  }

  /** CPU key metrics over the window a set of local clients measured (one probe of a rate search); {} when they say nothing. */
  measure(clientMetrics: readonly unknown[]): Record<string, number> {
    const window = measurementWindow(clientMetrics.map((metrics) => ({ metrics, clockOffsetMs: 0 })), { start: null, end: null });
    return window ? this.accounting.summarize(window, keyMetricsFrom(clientMetrics).completed ?? null).key_metrics : {};
  }

  /** Threads of `role`'s groups running or runnable now (a rate search waits for idle servers). */
  runningThreads(role: CpuRole): number {
    return this.accounting.runningThreads(role);
  }

  async stop(): Promise<void> {
    if (this.span.start) this.span.end ??= new Date().toISOString();
    this.accounting.stop();
  }

  report(): StageReport {
    const section = this.section();
    if (!section) return { sections: { cpu: null } };
    for (const w of section.warnings) this.ctx.warn(w);
    return { sections: { cpu: section }, keyMetrics: section.key_metrics };
  }

  // The window from the clients' metrics (or this stage's span, ≈ the load phase, when no client says).
  private section(): CpuSection | null {
    if (!this.span.start) return null;
    const clients: ClientWindowInput[] = this.measuredBy.map((c) => ({ metrics: readGeneratorMetricsOrNull(c.metricsFile), clockOffsetMs: c.clockOffsetMs }));
    const window = measurementWindow(clients, this.span);
    if (!window) return null;
    try {
      return this.accounting.summarize(window, keyMetricsFrom(clients.map((c) => c.metrics)).completed ?? null);
    } catch (err) {
      // report() must not throw: a figure that does not fit its schema is a note, not a lost run.
      this.ctx.warn(`cpu accounting could not summarize the window: ${(err as Error).message}`);
      return null;
    }
  }
}
