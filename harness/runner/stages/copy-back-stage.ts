import type { FetchRecordEntry } from '../../results/run-result-schema.ts';
import type { RemoteClient } from '../remote-clients.ts';
import type { RunContext, RunStage, StageReport } from '../stage.ts';

/**
 * Copy-back of remote clients' metrics and truth logs. It sits before `load` in the pipeline, so its
 * stop() runs after load stopped the remote processes — also after a failure, so artifacts are kept.
 */
export class CopyBackStage implements RunStage {
  readonly name = 'copy-back';
  private readonly clients: RemoteClient[] = [];
  private readonly records: FetchRecordEntry[] = [];

  constructor(private readonly ctx: RunContext) {}

  /** The load stage registers each remote client before starting it. */
  add(client: RemoteClient): void {
    this.clients.push(client);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    for (const client of this.clients) {
      const records = await client.fetch();
      this.records.push(...records);
      const failed = records.filter((r) => r.error);
      if (failed.length) this.ctx.warn(`copy-back of ${failed.length} remote artifact(s) of ${client.plan.name} failed; see remote_fetch.log`);
    }
  }

  report(): StageReport {
    return { sections: { remote_fetch: this.records } };
  }
}
