import { HostMonitor } from '../../monitors/host-monitor.ts';
import { commandRecord } from '../command-record.ts';
import type { MonitorsSection } from '../../results/run-result-schema.ts';
import type { RunContext, RunStage, StageReport, StartedGroup } from '../stage.ts';
import type { PrepareStage } from './prepare-stage.ts';
import type { ServerStage } from './server-stage.ts';

/** Host monitors (mpstat, pidstat of the server pids) for the whole run. */
export class MonitorStage implements RunStage {
  readonly name = 'monitors';
  private readonly monitors: HostMonitor[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly prepare: PrepareStage,
    private readonly servers: ServerStage,
  ) {}

  async start(): Promise<void> {
    const config = this.ctx.run.resolved.config.instrumentation.monitors;
    for (const plan of this.prepare.commands.monitors) {
      const required = config[plan.name as 'mpstat' | 'pidstat']?.required ?? false;
      const monitor = new HostMonitor(plan, required, this.ctx.artifactDir, (m) => this.ctx.warn(m));
      this.monitors.push(monitor);
      await monitor.start(this.servers.serverPids());
    }
  }

  /** The monitors' local process groups, for CPU accounting. */
  groups(): StartedGroup[] {
    return this.monitors.flatMap((m, i) => (m.process?.pid !== undefined ? [{ name: this.prepare.commands.monitors[i]!.name, role: 'monitor' as const, pid: m.process.pid }] : []));
  }

  async stop(): Promise<void> {
    const errors: unknown[] = [];
    for (const m of [...this.monitors].reverse()) await m.stop().catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} monitors failed to stop`);
  }

  report(): StageReport {
    const monitors: MonitorsSection = {};
    const commands = [];
    for (const [i, plan] of this.prepare.commands.monitors.entries()) {
      const m = this.monitors[i];
      if (m?.record) monitors[plan.name as keyof MonitorsSection] = m.record;
      if (m?.process) commands.push(commandRecord({ ...plan, argv: m.process.outcome().command }, this.ctx.artifactDir, m.process));
    }
    return { commands, sections: { monitors } };
  }
}
