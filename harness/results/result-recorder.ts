import path from 'node:path';
import type { PlannedRun, ProcessPlan } from '../plan/run-types.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { quoteArgv } from '../util/quote.ts';
import { keyMetricsFrom } from './key-metrics.ts';
import { redactValue } from './redact.ts';
import type { CpuSection } from './cpu-section-schema.ts';
import type { RateSearchSection } from './rate-search-section-schema.ts';
import { RUN_RESULT_SCHEMA_VERSION, type CommandRecord, type Phases, type RunResult } from './run-result-schema.ts';

/** What the process layer reports about a finished (or stopped) process. */
export interface OutcomeLike {
  exitCode: number | null;
  signal: string | null;
  startedAt: string;
  durationMs: number;
  timedOut: boolean;
  killed: boolean;
}

export interface RunFailureInfo {
  message: string;
  kind: string;
  command?: string | null;
  log?: string | null;
  logTail?: string | null;
}

const PHASES: (keyof Phases)[] = ['run_start', 'servers_ready', 'observer_ready', 'load_start', 'load_end', 'teardown_start', 'teardown_end'];

/** Collects everything a run produces and writes run_result.json (seed §6), for failed runs too. */
export class ResultRecorder {
  readonly startedAt = new Date();
  private readonly phases = Object.fromEntries(PHASES.map((p) => [p, null])) as Phases;
  private readonly commands: CommandRecord[] = [];
  private readonly warnings: string[] = [];
  readonly instrumentation: Record<string, unknown> = {};
  readonly monitors: Record<string, unknown> = {};
  readonly remoteFetch: Record<string, unknown>[] = [];
  /** Generator hosts of remote clients: identity and clock offset at run start. */
  readonly remoteHosts: Record<string, unknown>[] = [];
  /** The cost-accounting stage's section (CPU of each process group over the measurement window). */
  cpu: CpuSection | null = null;
  /** The capacity search's section, when the workload asked for one. */
  rateSearch: RateSearchSection | null = null;

  constructor(
    private readonly run: PlannedRun,
    private readonly artifactDir: string,
    private readonly descriptor: string,
  ) {}

  get resultPath(): string {
    return path.join(this.artifactDir, 'run_result.json');
  }

  // Timestamp a phase, so every figure can be tied to its measurement window.
  phase(name: keyof Phases, at = new Date()): void {
    this.phases[name] = at.toISOString();
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  // Record one process with its outcome (null if it never started) and, for clients, its metrics.
  addCommand(p: ProcessPlan, pid: number | undefined, outcome: OutcomeLike | null, metrics?: { value: unknown; error: string | null }): void {
    this.commands.push({
      role: p.role,
      name: p.name,
      command: p.argv,
      command_line: quoteArgv(p.argv),
      host: p.remote ? [p.remote.host].flat().join(',') : 'local',
      cwd: p.cwd,
      log: p.logFile,
      pid: pid ?? null,
      started_at: outcome?.startedAt ?? null,
      duration_ms: outcome?.durationMs ?? null,
      exit_code: outcome?.exitCode ?? null,
      signal: outcome?.signal ?? null,
      timed_out: outcome?.timedOut ?? false,
      stopped_by_harness: outcome?.killed ?? false,
      ...(p.metricsFile ? { metrics_file: path.relative(this.artifactDir, p.metricsFile), metrics: metrics?.value ?? null, metrics_error: metrics?.error ?? null } : {}),
    });
  }

  // Key figures from the clients' metrics so far, plus the CPU cost figures once accounted.
  keyMetrics(): Record<string, number> {
    const capacity = this.rateSearch?.capacity_rps;
    return { ...keyMetricsFrom(this.pendingClientMetrics()), ...(this.cpu?.key_metrics ?? {}), ...(typeof capacity === 'number' ? { capacity_rps: capacity } : {}) };
  }

  // The clients' metrics JSON recorded so far (what the measurement window is read from).
  clientMetrics(): { metrics: unknown; host: string }[] {
    return this.commands.filter((c) => c.role === 'client').map((c) => ({ metrics: c.metrics, host: c.host }));
  }

  private pendingClientMetrics(): unknown[] {
    return this.commands.filter((c) => c.role === 'client').map((c) => c.metrics);
  }

  // Build and atomically write run_result.json; returns what was written.
  write(status: RunResult['status'], error: RunFailureInfo | null): RunResult {
    const finished = new Date();
    const result: RunResult = {
      schema_version: RUN_RESULT_SCHEMA_VERSION,
      run: {
        id: this.run.id,
        name: this.run.name,
        suite: this.run.suite,
        descriptor: this.descriptor,
        workload: this.run.workload,
        mode: this.run.mode,
        variant: this.run.variant.label,
        params: this.run.variant.params,
        repetition: this.run.repetition,
        order: this.run.order,
        ...(process.env.HARNESS_SESSION_ID ? { session_id: process.env.HARNESS_SESSION_ID } : {}),
      },
      status,
      error: error ? { message: error.message, kind: error.kind, command: error.command ?? null, log: error.log ?? null, log_tail: error.logTail ?? null } : null,
      artifact_dir: this.artifactDir,
      started_at: this.startedAt.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: finished.getTime() - this.startedAt.getTime(),
      phases: { ...this.phases },
      commands: this.commands,
      key_metrics: this.keyMetrics(),
      instrumentation: this.instrumentation,
      monitors: this.monitors,
      remote_fetch: this.remoteFetch,
      remote_hosts: this.remoteHosts,
      ...(this.rateSearch ? { rate_search: this.rateSearch } : {}),
      ...(this.cpu ? { cpu: this.cpu } : {}),
      annotations: this.run.resolved.config.annotations,
      warnings: this.warnings,
    };
    const redacted = redactValue(result);
    writeJsonAtomic(this.resultPath, redacted);
    return redacted;
  }
}
