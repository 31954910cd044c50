import path from 'node:path';
import { closeRunContainment, openRunContainment } from '../../process/process-registry.ts';
import type { RunContainment } from '../../process/containment.ts';
import type { ContainmentSection } from '../../results/run-result-schema.ts';
import type { RunContext, RunStage, StageReport } from '../stage.ts';

/**
 * The run's containment (docs/reliability.md): every local process the later stages start joins
 * it (a per-run cgroup, or process groups with a parent-death signal and the run token). First in
 * the pipeline, so teardown closes it last and kills whatever the other stages left.
 */
export class ContainmentStage implements RunStage {
  readonly name = 'containment';
  private containment: RunContainment | undefined;
  private section: ContainmentSection | null = null;

  constructor(private readonly ctx: RunContext) {}

  async start(): Promise<void> {
    const { run, artifactDir } = this.ctx;
    // Leftovers of a dead harness in this artifacts root are removed first (and named in warnings).
    this.containment = await openRunContainment(path.dirname(artifactDir), { name: run.name, id: run.id, artifactDir }, (m) => this.ctx.warn(m), this.ctx.session.containment);
  }

  async stop(): Promise<void> {
    const c = this.containment;
    if (!c) return;
    this.containment = undefined;
    // Exact CPU time of everything the run started (cgroup accounting), read before the cgroup goes.
    this.section = { mode: c.mode, cgroup: c.cgroup?.dirs ?? null, cpu_usec: c.cpuUsageUsec() };
    await closeRunContainment(c);
  }

  report(): StageReport {
    return { sections: { containment: this.section } };
  }
}
