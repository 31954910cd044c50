import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readLogTail, type CommandOutcome, type ManagedProcess } from '../process/index.ts';
import type { PlannedRun, ProcessPlan, RunCommands } from '../plan/run-types.ts';
import type { RunOptions } from '../plan/resolve-config.ts';
import { renderRunCommands } from '../plan/render-run.ts';
import { ResultRecorder } from '../results/result-recorder.ts';
import type { RunResult } from '../results/run-result-schema.ts';
import { artifactDirName, artifactsRoot, timestampForPath } from '../results/artifact-dir.ts';
import { writePlanJson } from '../results/plan-json.ts';
import { quoteArgv } from '../util/quote.ts';
import { CleanupStack } from './cleanup-stack.ts';
import { createLocalProcess } from '../process/from-plan.ts';
import { RunFailedError, describeFailure } from './run-failure.ts';
import { Observer } from '../instrumentation/observer.ts';
import { HostMonitor } from '../monitors/host-monitor.ts';
import { RemoteClient } from './remote-clients.ts';
import { prepareWorktree } from '../mutations/worktree.ts';
import { redactFileInPlace } from '../results/redact.ts';
import { checkMeasurement } from '../results/validity.ts';
import { InvalidRunError, expectationValues, recordBlockMetrics } from './expectations.ts';
import { CpuAccounting } from '../monitors/cpu/cpu-accounting.ts';
import { measurementWindow } from '../monitors/cpu/cpu-window.ts';
import { keyMetricsFrom } from '../results/key-metrics.ts';
import type { RateSearchConfig } from '../config/schema/rate-search.ts';
import { resolveRateSearch } from './rate-search.ts';
import { runRateSearch, type ProbeOutcome } from './rate-search-driver.ts';

export interface RunSessionOptions {
  rootDir: string;
  /** Descriptor path as shown in artifacts. */
  descriptor: string;
  options: RunOptions;
  /** Overrides the artifacts root of `options`. */
  artifactsDir?: string;
}

/** A local ManagedProcess or a RemoteProcess: the same surface. */
type Supervised = Pick<ManagedProcess, 'start' | 'wait' | 'stop' | 'exited' | 'running' | 'pid' | 'outcome'>;

interface Started {
  plan: ProcessPlan;
  proc: Supervised;
}

/** A server that exited on its own while the run still needed it. */
export class ServerExitedError extends Error {
  readonly kind = 'process';
  constructor(server: Started, outcome: CommandOutcome, during: string) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    const tail = readLogTail(outcome.logPath, { lines: 30, bytes: 4096 });
    super(`Server ${server.plan.name} ${how} ${during}: ${quoteArgv(server.plan.argv)}\n\n--- last lines of ${outcome.logPath} ---\n${tail || '(log is empty)'}`);
  }
}

/**
 * One run, start to finish: artifact folder, plan.json, servers, clients, teardown, run_result.json.
 * Plain class; the Vitest fixture only creates it and disposes it.
 */
export class RunSession {
  readonly run: PlannedRun;
  readonly artifactDir: string;
  private readonly opts: RunSessionOptions;
  private readonly cleanup = new CleanupStack();
  private readonly started: Started[] = [];
  /** Observer and monitor processes, recorded like the others. */
  private readonly extras: Started[] = [];
  private readonly recorder: ResultRecorder;
  private commands: RunCommands | undefined;
  /** Where commands run (the checkout, or a mutation's worktree): probes of a rate search re-render clients there. */
  private commandRoot = '';
  private stopping = false;
  private readonly earlyExits = new Map<string, CommandOutcome>();
  /** Cost-accounting stage: CPU of every local process group, from the first server until the load ends. */
  private readonly cpu = new CpuAccounting();
  private readonly loadPhase: { start: string | null; end: string | null } = { start: null, end: null };

  constructor(run: PlannedRun, opts: RunSessionOptions) {
    this.run = run;
    this.opts = opts;
    const root = artifactsRoot(opts.rootDir, opts.artifactsDir ?? opts.options.artifactsDir);
    this.artifactDir = path.join(root, artifactDirName(run, timestampForPath()));
    this.recorder = new ResultRecorder(run, this.artifactDir, opts.descriptor);
  }

  // A note for run_result.json's warnings (e.g. why --resume measures this run again).
  warn(message: string): void {
    this.recorder.warn(message);
  }

  // Run everything; resolves with the result of a passed run, rejects with RunFailedError otherwise.
  async execute(): Promise<RunResult> {
    let failure: unknown = null;
    this.recorder.phase('run_start');
    try {
      await this.prepare();
      await this.startServers();
      await this.startMonitors();
      await this.startObserver();
      await this.runLoad();
    } catch (err) {
      failure = err;
    }
    // Teardown problems after a failure are secondary: keep them as warnings.
    const teardownError = await this.teardown();
    if (teardownError && failure) this.recorder.warn(`teardown: ${describeFailure(teardownError, this.artifactDir).message.split('\n')[0]}`);
    failure ??= teardownError;
    const result = this.finish(failure);
    if (result.status !== 'passed') {
      const info = { message: result.error?.message ?? 'failed', kind: result.error?.kind ?? 'internal', logTail: result.error?.log_tail ?? null };
      throw new RunFailedError(`Run ${this.run.name} failed: ${info.message}\n\nartifacts: ${this.artifactDir}`, info, this.artifactDir);
    }
    return result;
  }

  // Stop whatever is still running (idempotent; the fixture calls it after every test).
  async dispose(): Promise<void> {
    this.stopping = true;
    await this.cleanup.dispose();
  }

  private async prepare(): Promise<void> {
    mkdirSync(path.join(this.artifactDir, 'metrics'), { recursive: true });
    mkdirSync(path.join(this.artifactDir, 'truth'), { recursive: true });
    // A mutation's commands run in its worktree (patched and built); artifacts stay in the checkout's folder.
    let commandRoot = this.opts.rootDir;
    let mutation: Record<string, unknown> | undefined;
    if (this.run.mutation) {
      const m = this.run.mutation;
      const wt = await prepareWorktree(this.opts.rootDir, m.baseCommit, m);
      commandRoot = wt.dir;
      mutation = { name: m.name, base_commit: m.baseCommit, patch: path.relative(this.opts.rootDir, m.patch), patch_sha256: m.patchSha256, build: m.build ?? null, build_log: wt.buildLog, worktree: wt.dir };
      this.recorder.instrumentation.mutation = mutation;
    }
    this.commandRoot = commandRoot;
    this.commands = renderRunCommands(this.run, { rootDir: commandRoot, artifactDir: this.artifactDir });
    writePlanJson(this.artifactDir, this.run, this.commands, { ...this.opts, ...(mutation ? { mutation } : {}) });
  }

  private track(plan: ProcessPlan, record = true): ManagedProcess {
    const proc = createLocalProcess(plan, this.artifactDir);
    const entry = { plan, proc };
    if (record) this.started.push(entry);
    this.cleanup.push(`stop ${plan.name}`, () => proc.stop());
    if (plan.role === 'server' || plan.role === 'antagonist') {
      void proc.exited.then((o) => {
        if (!this.stopping && !o.killed) this.earlyExits.set(plan.name, o);
      });
    }
    return proc;
  }

  private async startServers(): Promise<void> {
    this.cleanup.push('stop cpu accounting', () => this.cpu.stop());
    for (const plan of this.commands!.servers) {
      const proc = this.track(plan);
      await proc.start();
      this.accountCpu(plan, proc.pid);
    }
    this.cpu.start();
    this.recorder.phase('servers_ready');
  }

  // Account a local process group's CPU from now on (remote processes are not read).
  private accountCpu(plan: ProcessPlan, pid: number | undefined): void {
    if (pid !== undefined && !plan.remote) this.cpu.track({ name: plan.name, role: plan.role, pid });
  }

  // Pids the observer and pidstat watch: the workload's servers (not antagonists, not clients).
  private serverPids(): number[] {
    return this.started.filter((s) => s.plan.role === 'server' && s.proc.pid !== undefined).map((s) => s.proc.pid!);
  }

  private async startMonitors(): Promise<void> {
    const monitors = this.run.resolved.config.instrumentation.monitors;
    for (const plan of this.commands!.monitors) {
      const required = monitors[plan.name as 'mpstat' | 'pidstat']?.required ?? false;
      const monitor = new HostMonitor(plan, required, this.artifactDir, this.recorder);
      this.cleanup.push(`stop ${plan.name}`, () => monitor.stop());
      await monitor.start(this.serverPids());
      if (monitor.process) this.extras.push({ plan, proc: monitor.process });
      this.accountCpu(plan, monitor.process?.pid);
    }
  }

  private async startObserver(): Promise<void> {
    const plan = this.commands!.observer;
    if (!plan) return;
    const observer = new Observer(plan, {
      mode: this.run.mode,
      rootDir: this.opts.rootDir,
      artifactDir: this.artifactDir,
      instrumentation: this.run.resolved.config.instrumentation,
      agentConfig: this.commands!.agentConfig,
      recorder: this.recorder,
    });
    this.cleanup.push(`stop ${plan.name}`, () => observer.stop());
    try {
      await observer.start(this.serverPids());
    } finally {
      if (observer.process) this.extras.push({ plan: observer.resolvedPlan, proc: observer.process });
      this.accountCpu(plan, observer.process?.pid);
    }
    this.recorder.phase('observer_ready');
  }

  // The load: the clients once, or a capacity search (one load phase per probed rate).
  private async runLoad(): Promise<void> {
    this.recorder.phase('load_start');
    this.loadPhase.start = new Date().toISOString();
    try {
      await this.runSearchOrClients();
    } finally {
      this.recorder.phase('load_end');
      this.loadPhase.end = new Date().toISOString();
      this.cpu.stop();
    }
    // A server that died after the load finished still invalidates the run.
    const early = this.started.find((s) => (s.plan.role === 'server' || s.plan.role === 'antagonist') && this.earlyExits.has(s.plan.name));
    if (early) throw new ServerExitedError(early, this.earlyExits.get(early.plan.name)!, 'before the run ended');
  }

  private async runSearchOrClients(): Promise<void> {
    const search = resolveRateSearch(this.run);
    if (!search) return this.runClients(this.commands!.clients);
    if (this.commands!.clients.some((c) => c.remote)) throw Object.assign(new Error('rate_search runs local clients only: a remote client\'s metrics are copied back once, at teardown'), { kind: 'config' });
    const keep: Started[] = [];
    this.recorder.rateSearch = await runRateSearch(search, { runProbe: (rate, index) => this.runProbe(search, rate, index, keep), settle: () => this.waitForIdleServers() });
    // The capacity probe's figures are the run's: its processes and metrics files stand for the clients.
    const best = this.recorder.rateSearch.capacity_probe ?? 0;
    const n = this.commands!.clients.length;
    this.started.push(...keep.slice(best * n, best * n + n));
    for (const plan of this.commands!.clients) {
      const probeFile = probeMetricsPath(plan.metricsFile, best);
      if (plan.metricsFile && probeFile && existsSync(probeFile)) copyFileSync(probeFile, plan.metricsFile);
    }
    if (this.recorder.rateSearch.capacity_rps === null) throw Object.assign(new Error(`rate search: even min_rps ${search.min_rps} req/s failed: ${this.recorder.rateSearch.probes[0]?.reasons.join('; ') ?? 'no probe ran'}`), { kind: 'invalid' });
  }

  // One probe of a rate search: the clients re-rendered at `rate`, run once; their metrics kept per probe.
  private async runProbe(search: RateSearchConfig, rate: number, index: number, keep: Started[]): Promise<ProbeOutcome> {
    const settings = { ...this.run.resolved.config.workload.settings, [search.setting]: rate };
    const atRate: PlannedRun = { ...this.run, resolved: { ...this.run.resolved, config: { ...this.run.resolved.config, workload: { ...this.run.resolved.config.workload, settings } } } };
    const plans = renderRunCommands(atRate, { rootDir: this.commandRoot, artifactDir: this.artifactDir }).clients;
    // A generator that writes nothing must not leave the previous probe's figures in place.
    for (const plan of plans) if (plan.metricsFile) rmSync(plan.metricsFile, { force: true });
    const startedAt = new Date().toISOString();
    let failure: string | undefined;
    try {
      await this.runClients(plans, keep);
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
      files.push(path.relative(this.artifactDir, probeFile));
      metrics.push(readMetrics(probeFile).value);
    }
    const keyMetrics = keyMetricsFrom(metrics);
    const sent = metrics.map((m) => (m as { schedule?: { achieved_send_rps?: unknown } } | null)?.schedule?.achieved_send_rps);
    if (sent.length > 0 && sent.every((x) => typeof x === 'number')) keyMetrics.sent_rps = (sent as number[]).reduce((a, b) => a + b, 0);
    const window = measurementWindow(metrics.map((m) => ({ metrics: m, clockOffsetMs: 0 })), { start: null, end: null });
    if (window) Object.assign(keyMetrics, this.cpu.summarize(window, keyMetrics.completed ?? null).key_metrics);
    return { startedAt, keyMetrics, metricsFiles: files, ...(failure ? { failure } : {}) };
  }

  // After a probe: wait (≤ 30 s) until no server thread was running or runnable in 5 looks 20 ms apart
  // (an overloaded probe leaves a backlog that would time out the next probe's preload).
  private async waitForIdleServers(): Promise<void> {
    const until = Date.now() + 30_000;
    let idleLooks = 0;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      idleLooks = this.cpu.runningThreads('server') === 0 ? idleLooks + 1 : 0;
      if (idleLooks >= 5) return;
    }
    this.recorder.warn('rate search: the servers were still busy 30 s after a probe; the next probe started anyway');
  }

  // Clients run concurrently; a server that dies meanwhile fails the run at once.
  // `probe` collects a rate search's client processes instead of recording each as a command of the run.
  private async runClients(plans: ProcessPlan[], probe?: Started[]): Promise<void> {
    const servers = this.started.filter((s) => s.plan.role === 'server' || s.plan.role === 'antagonist');
    const crash = new Promise<never>((_, reject) => {
      for (const s of servers) {
        void s.proc.exited.then((o) => {
          if (!this.stopping && !o.killed) reject(new ServerExitedError(s, o, 'while the clients were running'));
        });
      }
    });
    crash.catch(() => undefined);
    const clients = plans.map(async (plan) => {
      if (plan.startDelayMs) await new Promise((r) => setTimeout(r, plan.startDelayMs));
      if (plan.remote) return this.runRemoteClient(plan);
      const proc = this.track(plan, !probe);
      probe?.push({ plan, proc });
      await proc.start();
      this.accountCpu(plan, proc.pid);
      await proc.wait();
    });
    try {
      await Promise.race([Promise.all(clients), crash]);
    } finally {
      clients.forEach((c) => c.catch(() => undefined));
    }
  }

  // A client on generator nodes over SSH: copy-back is queued first, so it runs after the processes stop.
  private async runRemoteClient(plan: ProcessPlan): Promise<void> {
    const client = new RemoteClient(plan, this.artifactDir);
    for (const w of client.warnings) this.recorder.warn(w);
    this.cleanup.push(`copy back ${plan.name}'s artifacts`, async () => {
      const records = await client.fetch();
      this.recorder.remoteFetch.push(...records.map((r) => ({ ...r })));
      const failed = records.filter((r) => r.error);
      if (failed.length) this.recorder.warn(`copy-back of ${failed.length} remote artifact(s) failed; see remote_fetch.log`);
    });
    for (const proc of client.processes) {
      this.started.push({ plan, proc });
      this.cleanup.push(`stop ${plan.name}`, () => proc.stop());
    }
    this.recorder.remoteHosts.push(...(await client.describeHosts()));
    await client.prepareMetricsDir();
    await client.start();
    await client.wait();
  }

  private async teardown(): Promise<unknown> {
    this.recorder.phase('teardown_start');
    this.stopping = true;
    let error: unknown = null;
    try {
      await this.cleanup.dispose();
    } catch (err) {
      error = err;
    }
    this.recorder.phase('teardown_end');
    return error;
  }

  // The cost-accounting stage's section: CPU over the generators' measurement window, per request.
  private recordCpu(): void {
    const clients = this.recorder.clientMetrics().flatMap((c) => {
      const clockOffsetMs = c.host === 'local' ? 0 : clockOffsetOf(this.recorder.remoteHosts, c.host);
      return clockOffsetMs === undefined ? [] : [{ metrics: c.metrics, clockOffsetMs }];
    });
    const window = measurementWindow(clients, this.loadPhase);
    if (!window) return;
    const completed = this.recorder.keyMetrics().completed ?? null;
    this.recorder.cpu = this.cpu.summarize(window, completed);
    for (const w of this.recorder.cpu.warnings) this.recorder.warn(w);
  }

  private redactLogs(): void {
    for (const file of logFiles(this.artifactDir)) {
      if (!redactFileInPlace(file, { statSync, readFileSync, writeFileSync })) this.recorder.warn(`${path.basename(file)} is over 64 MiB and was not scrubbed for secrets`);
    }
  }

  private finish(failureIn: unknown): RunResult {
    let failure = failureIn;
    // By role and name: a rate search's capacity probe stands for its client with a re-rendered plan.
    const startedNames = new Set(this.started.map((s) => `${s.plan.role}\0${s.plan.name}`));
    for (const { plan, proc } of [...this.started, ...this.extras]) {
      this.recorder.addCommand(plan, proc.pid, proc.outcome(), plan.metricsFile ? readMetrics(plan.metricsFile) : undefined);
    }
    // Commands that never started still appear, so the result shows the whole plan.
    const all = this.commands ? [...this.commands.servers, ...this.commands.clients] : [];
    for (const plan of all) if (!startedNames.has(`${plan.role}\0${plan.name}`)) this.recorder.addCommand(plan, undefined, null, plan.metricsFile ? readMetrics(plan.metricsFile) : undefined);
    this.recordCpu();
    if (!failure) {
      // A run that finished is still not a measurement unless its numbers are valid.
      const metrics = this.recorder.keyMetrics();
      const { problems, unchecked } = checkMeasurement(this.run, metrics, (this.commands?.clients.length ?? 0) > 0, expectationValues(this.run, metrics));
      // Overhead needs this block's baseline: baseline runs have none, and a filtered run may miss it.
      if (this.run.mode !== 'baseline') for (const k of unchecked) this.recorder.warn(`expectation ${k} not checked: no baseline run of repetition ${this.run.repetition} ran before this one in this worker`);
      if (problems.length > 0) failure = new InvalidRunError(problems);
    }
    recordBlockMetrics(this.run, this.recorder.keyMetrics());
    this.redactLogs();
    const status = failure ? 'failed' : 'passed';
    return this.recorder.write(status, failure ? describeFailure(failure, this.artifactDir) : null);
  }
}

// Where probe `index` keeps a client's metrics JSON: metrics/<name>.json → metrics/<name>.probe<index>.json.
function probeMetricsPath(file: string | undefined, index: number): string | undefined {
  return file ? file.replace(/(\.json)?$/, `.probe${index}$1`) : undefined;
}

// A remote client's clock offset (remote − local, ms) as measured at run start; undefined when unknown.
function clockOffsetOf(remoteHosts: readonly Record<string, unknown>[], host: string): number | undefined {
  const entry = remoteHosts.find((h) => h.host === host);
  const offset = (entry?.clock as { offset_ms?: unknown } | undefined)?.offset_ms;
  return typeof offset === 'number' ? offset : undefined;
}

// Logs can echo secrets (a token in a command line, a key printed by a tool): scrub them once written.
function logFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

// Ingest a client's metrics JSON; a missing or broken file is recorded, never fatal here.
function readMetrics(file: string): { value: unknown; error: string | null } {
  if (!existsSync(file)) return { value: null, error: `no metrics file written at ${file}` };
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')), error: null };
  } catch (err) {
    return { value: null, error: `metrics file is not valid JSON: ${(err as Error).message}` };
  }
}
