import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { prepareWorktree } from '../../mutations/worktree.ts';
import { renderRunCommands } from '../../plan/render-run.ts';
import type { PlannedRun, ProcessPlan, RunCommands } from '../../plan/run-types.ts';
import { writePlanJson } from '../../results/plan-json.ts';
import { collectProvenance } from '../../results/provenance.ts';
import { HARNESS_VERSION } from '../../config/version.ts';
import type { MutationSection } from '../../results/run-result-schema.ts';
import type { RunContext, RunStage, StageReport } from '../stage.ts';
import { verifyRemoteDeployments, type SuiteRemotes } from '../remote-clients.ts';

/** Artifact folder, the mutation's worktree (patched and built), rendered commands, the generator nodes' deployment check, plan.json. */
export class PrepareStage implements RunStage {
  readonly name = 'prepare';
  private rendered: RunCommands | undefined;
  private mutation: MutationSection | null = null;
  /** Where commands run: the checkout, or the mutation's worktree. */
  private commandRoot: string;

  constructor(
    private readonly ctx: RunContext,
    private readonly remotes: () => SuiteRemotes,
  ) {
    this.commandRoot = ctx.rootDir;
  }

  /** The run's commands; empty until start() rendered them (so later stages report nothing). */
  get commands(): RunCommands {
    return this.rendered ?? { servers: [], clients: [], observer: null, monitors: [], scrapes: { intervalMs: 1000, endpoints: [] } };
  }

  async start(): Promise<void> {
    const { run, artifactDir, rootDir } = this.ctx;
    mkdirSync(path.join(artifactDir, 'metrics'), { recursive: true });
    mkdirSync(path.join(artifactDir, 'truth'), { recursive: true });
    // A mutation's commands run in its worktree; artifacts stay in the checkout's folder.
    let commandRoot = rootDir;
    if (run.mutation) {
      const m = run.mutation;
      const wt = await prepareWorktree(rootDir, m.baseCommit, m, this.ctx.session.worktreeDir);
      commandRoot = wt.dir;
      this.commandRoot = commandRoot;
      this.mutation = { name: m.name, base_commit: m.baseCommit, patch: path.relative(rootDir, m.patch), patch_sha256: m.patchSha256, build: m.build ?? null, build_log: wt.buildLog, worktree: wt.dir };
    }
    this.rendered = renderRunCommands(run, { rootDir: commandRoot, artifactDir });
    const provenance = await collectProvenance(rootDir, HARNESS_VERSION);
    // Generator nodes must run this checkout's bundles; plan.json records which (also when refused).
    let deployment: Record<string, unknown>[] | undefined;
    try {
      const clients = this.rendered.clients;
      if (clients.some((c) => c.remote)) deployment = (await verifyRemoteDeployments(clients, rootDir, this.remotes().pool)).map((d) => ({ ...d }));
    } finally {
      writePlanJson(artifactDir, run, this.rendered, { provenance, descriptor: this.ctx.descriptor, session: this.ctx.session, ...(this.mutation ? { mutation: this.mutation } : {}), ...(deployment ? { deployment } : {}) });
    }
  }

  /** The clients rendered again with other workload settings (a rate search's probe at its rate), where the run's commands run. */
  renderClients(settings: Record<string, unknown>): ProcessPlan[] {
    const { run, artifactDir } = this.ctx;
    const workload = { ...run.resolved.config.workload, settings: { ...run.resolved.config.workload.settings, ...settings } };
    const atSettings: PlannedRun = { ...run, resolved: { ...run.resolved, config: { ...run.resolved.config, workload } } };
    return renderRunCommands(atSettings, { rootDir: this.commandRoot, artifactDir }).clients;
  }

  // The worktree outlives the run: the suite's global teardown removes the session's worktrees.
  async stop(): Promise<void> {}

  report(): StageReport {
    return { sections: { mutation: this.mutation } };
  }
}
