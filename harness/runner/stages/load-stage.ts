import type { ManagedProcess } from '../../process/index.ts';
import { createLocalProcess } from '../../process/from-plan.ts';
import type { ProcessPlan } from '../../plan/run-types.ts';
import { commandRecord } from '../command-record.ts';
import type { RemoteHostRecord } from '../../results/run-result-schema.ts';
import { RemoteClient, type SuiteRemotes } from '../remote-clients.ts';
import type { RunContext, RunStage, StageReport } from '../stage.ts';
import type { CopyBackStage } from './copy-back-stage.ts';
import type { PrepareStage } from './prepare-stage.ts';
import type { ServerStage } from './server-stage.ts';

type Client = Pick<ManagedProcess, 'pid' | 'outcome' | 'stop'>;

/** The load: clients run concurrently (local, or on generator nodes over SSH); a server that dies meanwhile fails the run at once. Its start() is the measurement window. */
export class LoadStage implements RunStage {
  readonly name = 'load';
  private readonly started: { plan: ProcessPlan; proc: Client }[] = [];
  private readonly remoteHosts: RemoteHostRecord[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly prepare: PrepareStage,
    private readonly servers: ServerStage,
    private readonly copyBack: CopyBackStage,
    private readonly remotes: () => SuiteRemotes,
  ) {}

  async start(): Promise<void> {
    const crash = this.servers.crashed();
    this.ctx.phase('load_start');
    const clients = this.prepare.commands.clients.map(async (plan) => {
      if (plan.startDelayMs) await new Promise((r) => setTimeout(r, plan.startDelayMs));
      if (plan.remote) return this.runRemote(plan);
      const proc = createLocalProcess(plan, this.ctx.artifactDir, (e) => this.ctx.event(e));
      this.started.push({ plan, proc });
      await proc.start();
      await proc.wait();
    });
    try {
      await Promise.race([Promise.all(clients), crash]);
    } finally {
      this.ctx.phase('load_end');
      clients.forEach((c) => c.catch(() => undefined));
    }
    this.servers.endWatch();
  }

  // A client on generator nodes: copy-back is registered first, so it runs even if the start fails.
  private async runRemote(plan: ProcessPlan): Promise<void> {
    const client = new RemoteClient(plan, this.ctx.artifactDir, this.remotes(), (e) => this.ctx.event(e));
    client.warnings.forEach((w) => this.ctx.warn(w));
    this.copyBack.add(client);
    for (const proc of client.processes) this.started.push({ plan, proc });
    this.remoteHosts.push(...(await client.describeHosts()));
    await client.prepareMetricsDir();
    await client.start();
    await client.wait();
  }

  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.started.map((s) => s.proc.stop()));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} clients failed to stop`);
  }

  report(): StageReport {
    const commands = this.prepare.commands.clients.flatMap((plan) => {
      const procs = this.started.filter((s) => s.plan === plan);
      return procs.length ? procs.map((s) => commandRecord(plan, this.ctx.artifactDir, s.proc)) : [commandRecord(plan, this.ctx.artifactDir)];
    });
    return { commands, sections: { remote_hosts: this.remoteHosts } };
  }
}
