import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ManagedProcess } from '../../process/index.ts';
import { createLocalProcess } from '../../process/from-plan.ts';
import type { ProcessPlan } from '../../plan/run-types.ts';
import type { RateSearchConfig } from '../../config/schema/rate-search.ts';
import { commandRecord } from '../command-record.ts';
import { keyMetricsFrom } from '../../results/key-metrics.ts';
import { latencySection, steadyStateMetrics } from '../../results/latency-floor.ts';
import { applyResultAdapter } from '../../results/adapters/apply-adapter.ts';
import { readGeneratorMetrics, readGeneratorMetricsOrNull } from '../../results/generator-metrics-reader.ts';
import type { RateSearchSection } from '../../results/rate-search-section-schema.ts';
import type { RemoteHostRecord } from '../../results/run-result-schema.ts';
import { RemoteClient, type SuiteRemotes } from '../remote-clients.ts';
import { InvalidRunError } from '../run-failure.ts';
import { RateSearchConfigError, resolveRateSearch } from '../rate-search.ts';
import { runRateSearch, type ProbeOutcome } from '../rate-search-driver.ts';
import type { RunContext, RunStage, StageReport } from '../stage.ts';
import type { CopyBackStage } from './copy-back-stage.ts';
import type { CpuStage } from './cpu-stage.ts';
import type { PrepareStage } from './prepare-stage.ts';
import { ServerExitedError, type ServerStage } from './server-stage.ts';

type Client = Pick<ManagedProcess, 'pid' | 'outcome' | 'stop'>;

/**
 * The load: clients run concurrently (local, or on generator nodes over SSH); a server that dies
 * meanwhile fails the run at once. Its start() is the measurement window. A workload that asks for a
 * capacity search (docs/measurement.md: Capacity) gets one load phase per probed rate instead, and the
 * `rate_search` section; the capacity probe's clients and figures stand for the run's.
 */
export class LoadStage implements RunStage {
  readonly name = 'load';
  /** The run's client processes (a rate search's capacity probe's), as recorded in `commands`. */
  private readonly started: { plan: ProcessPlan; proc: Client }[] = [];
  /** Every client process started (each probe's too), to stop them all. */
  private readonly procs: Client[] = [];
  private readonly remoteHosts: RemoteHostRecord[] = [];
  private rateSearch: RateSearchSection | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly prepare: PrepareStage,
    private readonly servers: ServerStage,
    private readonly copyBack: CopyBackStage,
    private readonly cpu: CpuStage,
    private readonly remotes: () => SuiteRemotes,
  ) {}

  async start(): Promise<void> {
    const search = resolveRateSearch(this.ctx.run);
    const crash = this.servers.crashed();
    this.ctx.phase('load_start');
    try {
      if (search) await this.searchCapacity(search, crash);
      else {
        // Local clients measure on this node's clock; remote ones are registered once their clock offset is known.
        for (const plan of this.prepare.commands.clients) if (!plan.remote && plan.metricsFile) this.cpu.addMeasuringClient(plan.metricsFile, 0);
        await this.runClients(this.prepare.commands.clients, crash, this.started);
      }
    } finally {
      this.ctx.phase('load_end');
    }
    this.servers.endWatch();
  }

  // Clients run concurrently; a server that dies meanwhile rejects at once (`crash`).
  private async runClients(plans: readonly ProcessPlan[], crash: Promise<never>, into: { plan: ProcessPlan; proc: Client }[]): Promise<void> {
    const clients = plans.map(async (plan) => {
      if (plan.startDelayMs) await new Promise((r) => setTimeout(r, plan.startDelayMs));
      if (plan.remote) return this.runRemote(plan, into);
      const proc = createLocalProcess(plan, this.ctx.artifactDir, (e) => this.ctx.event(e));
      into.push({ plan, proc });
      this.procs.push(proc);
      await proc.start();
      if (proc.pid !== undefined) this.cpu.track({ name: plan.name, role: plan.role, pid: proc.pid });
      await proc.wait();
      this.collectMetrics(plan, proc);
    });
    try {
      await Promise.race([Promise.all(clients), crash]);
    } finally {
      clients.forEach((c) => c.catch(() => undefined));
    }
  }

  // A finished local client's figures: its result adapter converts the tool's output, or its own
  // metrics JSON is checked against the format (a misspelled key fails the run, naming file and key).
  private collectMetrics(plan: ProcessPlan, proc: Client): void {
    if (!plan.metricsFile) return;
    if (plan.results) {
      const o = proc.outcome();
      applyResultAdapter({ name: plan.name, argv: plan.argv, cwd: plan.cwd, logPath: path.join(this.ctx.artifactDir, plan.logFile), metricsFile: plan.metricsFile, results: plan.results, startedAt: o.startedAt, durationMs: o.durationMs });
    } else if (existsSync(plan.metricsFile)) readGeneratorMetrics(plan.metricsFile);
  }

  // A client on generator nodes: copy-back is registered first, so it runs even if the start fails.
  private async runRemote(plan: ProcessPlan, into: { plan: ProcessPlan; proc: Client }[]): Promise<void> {
    const client = new RemoteClient(plan, this.ctx.artifactDir, this.remotes(), (e) => this.ctx.event(e));
    client.warnings.forEach((w) => this.ctx.warn(w));
    this.copyBack.add(client);
    for (const proc of client.processes) {
      into.push({ plan, proc });
      this.procs.push(proc);
    }
    const hosts = await client.describeHosts();
    this.remoteHosts.push(...hosts);
    // Its window is on its host's clock: measured against this node's at run start.
    const offset = hosts[0]?.clock.offset_ms;
    if (plan.metricsFile && typeof offset === 'number') this.cpu.addMeasuringClient(plan.metricsFile, offset);
    await client.prepareMetricsDir();
    await client.start();
    await client.wait();
  }

  // A capacity search: one load phase per probed rate with the servers and observer kept up.
  private async searchCapacity(search: RateSearchConfig, crash: Promise<never>): Promise<void> {
    const plans = this.prepare.commands.clients;
    if (plans.some((c) => c.remote)) throw new RateSearchConfigError("rate_search runs local clients only: a remote client's metrics are copied back once, at teardown");
    const probes: { plan: ProcessPlan; proc: Client }[][] = [];
    this.rateSearch = await runRateSearch(search, {
      runProbe: async (rate, index) => {
        const started: { plan: ProcessPlan; proc: Client }[] = [];
        probes[index] = started;
        return this.runProbe(search, rate, index, crash, started);
      },
      settle: () => this.waitForIdleServers(),
    });
    // The capacity probe's processes and metrics files stand for the run's clients.
    const best = this.rateSearch.capacity_probe ?? 0;
    this.started.push(...(probes[best] ?? []));
    for (const plan of plans) {
      const probeFile = probeMetricsPath(plan.metricsFile, best);
      if (plan.metricsFile && probeFile && existsSync(probeFile)) copyFileSync(probeFile, plan.metricsFile);
      if (plan.metricsFile) this.cpu.addMeasuringClient(plan.metricsFile, 0);
    }
    if (this.rateSearch.capacity_rps === null) {
      throw new InvalidRunError([`rate search: even min_rps ${search.min_rps} req/s failed: ${this.rateSearch.probes[0]?.reasons.join('; ') ?? 'no probe ran'}`]);
    }
  }

  // One probe: the clients re-rendered at `rate`, run once; their metrics kept per probe (metrics/<client>.probe<N>.json).
  private async runProbe(search: RateSearchConfig, rate: number, index: number, crash: Promise<never>, started: { plan: ProcessPlan; proc: Client }[]): Promise<ProbeOutcome> {
    const plans = this.prepare.renderClients({ [search.setting]: rate });
    // A generator that writes nothing must not leave the previous probe's figures in place.
    for (const plan of plans) if (plan.metricsFile) rmSync(plan.metricsFile, { force: true });
    const startedAt = new Date().toISOString();
    let failure: string | undefined;
    try {
      await this.runClients(plans, crash, started);
    } catch (err) {
      // A server that died ends the search; clients that gave up (overload) only fail this probe.
      if (err instanceof ServerExitedError) throw err;
      // The headline names the command; the log's last line says why (e.g. `preload: no reply within 2000 ms`).
      const lines = (err as Error).message.split('\n').filter((l) => l.trim() && !l.startsWith('--- '));
      failure = [lines[0]?.split(':')[0], lines.at(-1)].filter(Boolean).join(': ');
    }
    const files: string[] = [];
    const metrics: unknown[] = [];
    for (const plan of plans) {
      const probeFile = probeMetricsPath(plan.metricsFile, index);
      if (!plan.metricsFile || !probeFile || !existsSync(plan.metricsFile)) continue;
      copyFileSync(plan.metricsFile, probeFile);
      files.push(path.relative(this.ctx.artifactDir, probeFile));
      metrics.push(readGeneratorMetricsOrNull(probeFile));
    }
    const keyMetrics = keyMetricsFrom(metrics);
    const sent = metrics.map((m) => (m as { schedule?: { achieved_send_rps?: unknown } } | null)?.schedule?.achieved_send_rps);
    if (sent.length > 0 && sent.every((x) => typeof x === 'number')) keyMetrics.sent_rps = (sent as number[]).reduce((a, b) => a + b, 0);
    Object.assign(keyMetrics, this.cpu.measure(metrics));
    return { startedAt, keyMetrics, metricsFiles: files, ...(failure ? { failure } : {}) };
  }

  // After a probe: wait (≤ 30 s) until no server thread was running or runnable in 5 looks 20 ms apart
  // (an overloaded probe leaves a backlog that would time out the next probe's preload; a CPU share
  // cannot tell busy from starved on a shared machine, the threads' run state can).
  private async waitForIdleServers(): Promise<void> {
    const until = Date.now() + 30_000;
    let idleLooks = 0;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      idleLooks = this.cpu.runningThreads('server') === 0 ? idleLooks + 1 : 0;
      if (idleLooks >= 5) return;
    }
    this.ctx.warn('rate search: the servers were still busy 30 s after a probe; the next probe started anyway');
  }

  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.procs.map((p) => p.stop()));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} clients failed to stop`);
  }

  report(): StageReport {
    // By name: a rate search's capacity probe stands for its client with a plan rendered at its rate.
    const commands = this.prepare.commands.clients.flatMap((plan) => {
      const procs = this.started.filter((s) => s.plan.name === plan.name && s.plan.role === plan.role);
      return procs.length ? procs.map((s) => commandRecord(s.plan, this.ctx.artifactDir, s.proc)) : [commandRecord(plan, this.ctx.artifactDir)];
    });
    const capacity = this.rateSearch?.capacity_rps;
    const latency = latencySection(commands.filter((c) => c.role === 'client').map((c) => ({ name: c.name, metrics: c.metrics })));
    for (const v of Object.values(latency?.percentiles ?? {})) if (v.reason) this.ctx.warn(v.reason);
    // A rate search's probes each ran their own warm-up: steadiness is judged on single-load runs only.
    const steady = this.rateSearch ? {} : steadyStateMetrics(latency);
    return {
      commands,
      sections: { remote_hosts: this.remoteHosts, rate_search: this.rateSearch, latency },
      keyMetrics: { ...steady, ...(typeof capacity === 'number' ? { capacity_rps: capacity } : {}) },
    };
  }
}

// Where probe `index` keeps a client's metrics JSON: metrics/<name>.json → metrics/<name>.probe<index>.json.
function probeMetricsPath(file: string | undefined, index: number): string | undefined {
  return file ? file.replace(/(\.json)?$/, `.probe${index}$1`) : undefined;
}
