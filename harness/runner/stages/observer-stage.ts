import { Observer } from '../../instrumentation/observer.ts';
import { commandRecord } from '../command-record.ts';
import type { RunContext, RunStage, StageReport, StartedGroup } from '../stage.ts';
import type { PrepareStage } from './prepare-stage.ts';
import type { ServerStage } from './server-stage.ts';

/** perf or the MicroSentinel agent, attached to the server pids after they are ready and before load. */
export class ObserverStage implements RunStage {
  readonly name = 'observer';
  private observer: Observer | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly prepare: PrepareStage,
    private readonly servers: ServerStage,
  ) {}

  async start(): Promise<void> {
    const plan = this.prepare.commands.observer;
    if (!plan) return;
    const { run, rootDir, artifactDir } = this.ctx;
    this.observer = new Observer(plan, {
      mode: run.mode,
      rootDir,
      artifactDir,
      instrumentation: run.resolved.config.instrumentation,
      agentConfig: this.prepare.commands.agentConfig,
      warn: (m) => this.ctx.warn(m),
    });
    await this.observer.start(this.servers.serverPids());
    this.ctx.phase('observer_ready');
  }

  /** The observer's local process group, for CPU accounting. */
  groups(): StartedGroup[] {
    const pid = this.observer?.process?.pid;
    return pid !== undefined ? [{ name: this.observer!.resolvedPlan.name, role: 'observer', pid }] : [];
  }

  async stop(): Promise<void> {
    await this.observer?.stop();
  }

  report(): StageReport {
    const o = this.observer;
    return {
      commands: o?.process ? [commandRecord(o.resolvedPlan, this.ctx.artifactDir, o.process)] : [],
      sections: { instrumentation: o?.section ?? {} },
    };
  }
}
