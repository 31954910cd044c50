import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InstrumentationConfig, Mode } from '../config/schema/instrumentation.ts';
import { CommandError, ManagedProcess, findExecutable, unexpectedExitError } from '../process/index.ts';
import type { ProcessPlan } from '../plan/run-types.ts';
import { SERVER_PIDS } from '../plan/render-instrumentation.ts';
import { createLocalProcess } from '../process/from-plan.ts';
import type { InstrumentationSection } from '../results/run-result-schema.ts';
import { readFileSync } from 'node:fs';
import { renderAgentConfig } from './agent-config.ts';
import { agentVersion } from '../results/provenance.ts';
import { parsePerfStatCsv } from './perf-stat-parser.ts';
import { fetchMetricsText, parsePrometheusText } from './prometheus-snapshot.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** An observer that could not start or died: fails the run with its log line. */
export class ObserverError extends HarnessError {
  readonly failureKind = 'observer' as const;
  override readonly name = 'ObserverError';
}

export interface ObserverContext {
  mode: Mode;
  rootDir: string;
  artifactDir: string;
  instrumentation: InstrumentationConfig;
  agentConfig?: { file: string; settings: Record<string, unknown> } | undefined;
  /** A note for run_result.json's warnings. */
  warn(message: string): void;
}

const fillPids = (s: string, pids: string): string => s.split(SERVER_PIDS).join(pids);

/** perf or the MicroSentinel agent around one run (docs/measurement.md: Instrumentation modes). Plain class: start(pids), stop(). */
export class Observer {
  private proc: ManagedProcess | undefined;
  private plan: ProcessPlan;
  private stopped = false;
  /** Its section of run_result.json (`instrumentation`), filled in at start and stop. */
  readonly section: InstrumentationSection = {};

  constructor(
    plan: ProcessPlan,
    private readonly ctx: ObserverContext,
  ) {
    this.plan = plan;
  }

  get process(): ManagedProcess | undefined {
    return this.proc;
  }

  get resolvedPlan(): ProcessPlan {
    return this.plan;
  }

  // Start after the servers are ready and before load; resolves once the observer is up.
  async start(serverPids: number[]): Promise<void> {
    const pids = serverPids.join(',');
    this.plan = { ...this.plan, argv: this.plan.argv.map((a) => fillPids(a, pids)) };
    const exe = this.plan.argv[0]!;
    if (this.ctx.mode === 'perf' && !findExecutable(exe)) {
      throw new ObserverError(`perf not found: \`${exe}\` is not on PATH. Install it (Debian: apt-get install linux-perf) or set instrumentation.perf_bin.`);
    }
    if (this.ctx.mode === 'microsentinel') this.writeAgentConfig(pids);
    // perf prints nothing when it attaches: give it a moment, so an immediate failure is caught here.
    const ready = this.plan.ready.kind === 'none' ? { kind: 'delay' as const, ms: 300 } : this.plan.ready;
    this.proc = createLocalProcess({ ...this.plan, ready }, this.ctx.artifactDir);
    try {
      await this.proc.start();
    } catch (err) {
      this.stopped = true; // already reported; stop() has nothing to add
      await this.proc.stop();
      if (err instanceof CommandError) throw new ObserverError(`Observer ${this.plan.name} (${this.ctx.mode}) failed at start: ${err.message}`, { cause: err });
      throw err;
    }
    if (!this.proc.running) {
      const o = await this.proc.exited;
      throw new ObserverError(`Observer ${this.plan.name} exited right after starting (${o.signal ?? `exit code ${o.exitCode}`}): ${o.commandLine}\n\n--- last lines of ${o.logPath} ---\n${o.logTail}`, { cause: unexpectedExitError(o) });
    }
  }

  private writeAgentConfig(pids: string): void {
    const cfg = this.ctx.agentConfig;
    if (!cfg) return;
    const settings = Object.fromEntries(Object.entries(cfg.settings).map(([k, v]) => [k, typeof v === 'string' ? fillPids(v, pids) : v]));
    const template = this.ctx.instrumentation.agent_config ? path.resolve(this.ctx.rootDir, this.ctx.instrumentation.agent_config) : undefined;
    const { toml } = renderAgentConfig(template, settings, cfg.file);
    this.section.agent_config = { file: path.basename(cfg.file), template: this.ctx.instrumentation.agent_config ?? null, settings, toml };
    this.section.agent_version = agentVersion(this.plan.argv[0]!);
  }

  // Snapshot metrics, stop (SIGINT lets perf flush), then ingest the observer's outputs.
  async stop(): Promise<void> {
    if (!this.proc || this.stopped) return;
    this.stopped = true;
    const diedEarly = !this.proc.running;
    if (this.ctx.mode === 'microsentinel' && this.proc.running) await this.snapshotMetrics();
    const outcome = await this.proc.stop();
    this.section.observer = { name: this.plan.name, exit_code: outcome.exitCode, signal: outcome.signal, log: this.plan.logFile };
    if (this.ctx.mode === 'perf') this.ingestPerf();
    if (diedEarly) {
      throw new ObserverError(`Observer ${this.plan.name} exited during the run (${outcome.signal ?? `exit code ${outcome.exitCode}`}): ${outcome.commandLine}\n\n--- last lines of ${outcome.logPath} ---\n${outcome.logTail}`, { cause: unexpectedExitError(outcome) });
    }
  }

  private async snapshotMetrics(): Promise<void> {
    const port = this.ctx.instrumentation.metrics_port;
    if (port === undefined) return;
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      const text = await fetchMetricsText(url);
      const file = path.join(this.ctx.artifactDir, 'prometheus_snapshot.txt');
      writeFileSync(file, text);
      this.section.prometheus = { url, taken_at: new Date().toISOString(), file: 'prometheus_snapshot.txt', families: parsePrometheusText(text) };
    } catch (err) {
      this.ctx.warn(`could not capture the Prometheus snapshot from ${url}: ${(err as Error).message}`);
    }
  }

  private ingestPerf(): void {
    const inst = this.ctx.instrumentation;
    if (inst.perf_mode === 'stat') {
      const file = path.join(this.ctx.artifactDir, 'perf_stat.csv');
      if (!existsSync(file)) {
        this.ctx.warn(`perf stat wrote no output (${file}); see ${this.plan.logFile}`);
        return;
      }
      const values = parsePerfStatCsv(readFileSync(file, 'utf8'), { interval: inst.interval_ms !== undefined });
      this.section.perf_stat = { file: 'perf_stat.csv', values };
      for (const v of values.filter((x) => !x.supported && x.interval_s === undefined)) {
        this.ctx.warn(`perf event ${v.event} is <not supported> on this machine (hardware counters are unavailable here); recorded as null`);
      }
      return;
    }
    const data = path.join(this.ctx.artifactDir, 'perf.data');
    const log = readFileSync(path.join(this.ctx.artifactDir, this.plan.logFile), 'utf8');
    const captured = /Captured and wrote ([\d.]+) MB .*?\((\d+) samples\)/.exec(log);
    this.section.perf_record = {
      file: existsSync(data) ? 'perf.data' : null,
      bytes: existsSync(data) ? statSync(data).size : 0,
      samples: captured ? Number(captured[2]) : null,
      frequency_hz: inst.perf_freq ?? null,
      events: inst.pmu_events ?? null,
    };
    if (!existsSync(data)) this.ctx.warn(`perf record wrote no perf.data; see ${this.plan.logFile}`);
  }
}
