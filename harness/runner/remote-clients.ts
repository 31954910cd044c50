import path from 'node:path';
import {
  createRemoteProcesses,
  fetchRemoteArtifacts,
  measureClockOffset,
  missingRemotePathMessage,
  RemoteHostPool,
  startTogether,
  type FetchRecord,
  type RemoteHost,
  type RemoteProcess,
} from '../remote/index.ts';
import type { ProcessPlan } from '../plan/run-types.ts';
import type { ProcessEvent } from '../process/index.ts';
import { bundlesUsed } from '../plan/remote-program.ts';
import { verifyDeployment, type DeploymentRecord } from '../deploy/index.ts';
import { quoteArg } from '../util/quote.ts';
import type { RemoteHostRecord } from '../results/run-result-schema.ts';
import { HarnessError } from '../errors/harness-error.ts';

/**
 * One pooled SSH connection per host for a generated file's runs (the fixture creates it and
 * disposes it after the file), with the warnings the pool raised until a run records them.
 */
export class SuiteRemotes {
  readonly pool = new RemoteHostPool({ onEvent: (e) => void (e.kind === 'warning' && this.pendingWarnings.push(e.message)) });
  private readonly pendingWarnings: string[] = [];

  // Warnings about hosts first used since the last call (once per host, for run_result.json).
  takeWarnings(): string[] {
    return this.pendingWarnings.splice(0);
  }

  dispose(): Promise<void> {
    return this.pool.dispose();
  }
}

/** A remote folder the run needs (metrics_dir) does not exist on a generator host. */
export class RemotePathError extends HarnessError {
  readonly failureKind = 'remote' as const;
  override readonly name = 'RemotePathError';
}

// Before a run starts: every generator node its remote clients use runs the bundles of this
// checkout on a new enough Node (else a DeployError: stale, not deployed, no Node).
export async function verifyRemoteDeployments(clients: readonly ProcessPlan[], rootDir: string, pool: RemoteHostPool): Promise<DeploymentRecord[]> {
  const checks = clients.flatMap((c) => {
    const programs = bundlesUsed(c.argv);
    if (!c.remote || programs.length === 0) return [];
    return pool.forSpec(c.remote).map((h) => verifyDeployment(h, c.remote!.workdir, rootDir, programs));
  });
  return Promise.all(checks);
}

/** A remote client of one run: its processes, hosts and what to copy back. */
export class RemoteClient {
  readonly processes: RemoteProcess[];
  readonly hosts: RemoteHost[];
  /** Warnings about hosts this client is the first to use (ssh_config directives not followed), for run_result.json. */
  readonly warnings: string[];

  constructor(
    readonly plan: ProcessPlan,
    private readonly artifactDir: string,
    remotes: SuiteRemotes,
    onEvent?: (e: ProcessEvent) => void,
  ) {
    this.processes = createRemoteProcesses(plan, artifactDir, remotes.pool, onEvent);
    this.hosts = remotes.pool.forSpec(plan.remote!);
    this.warnings = remotes.takeWarnings();
  }

  // Each host's clock offset to this (server) node at run start, and what it is (provenance).
  async describeHosts(): Promise<RemoteHostRecord[]> {
    return Promise.all(
      this.hosts.map(async (h) => {
        const facts = await h.run('uname -n; uname -sr; nproc; node --version 2>/dev/null || echo none', { timeoutMs: 10_000 });
        const [hostname, kernel, cpus, node] = facts.stdout.trim().split('\n');
        return { client: this.plan.name, host: h.target.alias, address: h.target.hostName, user: h.target.user, hostname, kernel, cpu_count: Number(cpus) || null, node_version: node, clock: await measureClockOffset(h), trust: h.trustRecord() };
      }),
    );
  }

  // The run's own folder inside metrics_dir, so runs never mix (metrics_dir itself must exist: it is the user's).
  async prepareMetricsDir(): Promise<void> {
    const dir = this.plan.remoteMetricsDir;
    if (!dir || !this.plan.remote?.metrics_dir) return;
    for (const h of this.hosts) {
      const base = quoteArg(this.plan.remote.metrics_dir, { expandHome: true });
      const res = await h.run(`cd ${quoteArg(this.plan.remote.workdir, { expandHome: true })} 2>/dev/null; test -d ${base} && mkdir -p ${quoteArg(dir, { expandHome: true })}`);
      if (res.exitCode !== 0) throw new RemotePathError(missingRemotePathMessage(h.target, 'metrics_dir', this.plan.remote.metrics_dir, this.plan.remote.metrics_dir));
    }
  }

  async start(): Promise<void> {
    if (this.processes.length === 1) await this.processes[0]!.start();
    else await startTogether(this.processes);
  }

  async wait(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.wait()));
  }

  // Copy back metrics and truth logs (also after a failure); one record per transfer.
  async fetch(): Promise<FetchRecord[]> {
    const remote = this.plan.remote!;
    const spec = { workdir: remote.workdir, extra_artifacts: remote.extra_artifacts, ...(this.plan.remoteMetricsDir ? { metrics_dir: this.plan.remoteMetricsDir } : {}) };
    const several = this.hosts.length > 1;
    const out: FetchRecord[] = [];
    for (const h of this.hosts) out.push(...(await fetchRemoteArtifacts(h, spec, this.artifactDir, several ? { hostSubdir: h.target.alias } : {})));
    return out;
  }

  // Where the client's metrics JSON lands locally after the copy-back.
  localMetricsFile(): string {
    const several = this.hosts.length > 1;
    return path.join(this.artifactDir, 'metrics', ...(several ? [this.hosts[0]!.target.alias] : []), `${this.plan.name}.json`);
  }
}
