import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { formatEvent, type ProcessEvent } from '../process/index.ts';
import path from 'node:path';
import type { PlannedRun } from '../plan/run-types.ts';
import type { HarnessSession } from '../session/session.ts';
import { ResultRecorder } from '../results/result-recorder.ts';
import type { CommandRecord, RunResult, StageSections } from '../results/run-result-schema.ts';
import { artifactDirName, timestampForPath } from '../results/artifact-dir.ts';
import { redactFileInPlace } from '../results/redact.ts';
import { keyMetricsFrom } from '../results/key-metrics.ts';
import { assessRun, blockOf, describeUnchecked, type Baselines, type RunBlock } from '../results/assess-run.ts';
import { absentLoadMetrics, absentMetricsWarning } from '../results/validity.ts';
import { ArtifactBaselines } from '../results/baselines.ts';
import { CleanupStack } from './cleanup-stack.ts';
import { classifyFailure, InvalidRunError, RunFailedError, RunInterruptedError } from './run-failure.ts';
import { SuiteRemotes } from './remote-clients.ts';
import { buildPipeline } from './pipeline.ts';
import { finalStatus } from './run-status.ts';
import { describeFsError, writeRunResult } from './write-result.ts';
import type { RunContext, RunStage } from './stage.ts';

export interface RunSessionOptions {
  /** The invocation's settings: project root, artifacts root, execution ID, command-line overrides. */
  session: HarnessSession;
  /** Descriptor path as shown in artifacts. */
  descriptor: string;
  /** Where the baseline of this run's block is found. @default this session's results in the artifacts root */
  baselines?: Baselines;
  /** This run's repetition block, with the planned id of its baseline run (blockOf with the plan's runs). @default the block without the id */
  block?: RunBlock;
  /** SSH connections shared by a file's runs (the fixture's). @default one pool for this run alone */
  remotes?: SuiteRemotes;
  /** Which measurement of the run this is (a disturbed attempt measured again, run-attempts.ts). @default 1 */
  attempt?: number;
}

/** What a stage section holds when its stage reports nothing (never started, or nothing to say). */
const EMPTY_SECTIONS: StageSections = { containment: null, mutation: null, instrumentation: {}, monitors: {}, remote_hosts: [], remote_fetch: [], timeseries: null, cpu: null, rate_search: null, latency: null };

/**
 * One run, start to finish: a pipeline of stages (pipeline.ts) started in order and torn down in
 * reverse, never stopping early; then the run is judged (assessRun) and run_result.json written.
 * Plain class; the Vitest fixture only creates it and disposes it.
 */
export class RunSession {
  readonly run: PlannedRun;
  readonly artifactDir: string;
  private readonly opts: RunSessionOptions;
  private readonly cleanup = new CleanupStack();
  private readonly recorder: ResultRecorder;
  private readonly stages: RunStage[];
  private ownRemotes: SuiteRemotes | undefined;
  private running = false;
  /** execute() in progress: dispose() waits for it, so the result is on disk when the fixture returns. */
  private execution: Promise<unknown> | undefined;
  /** dispose() came while execute() was still running (a test timeout, an interruption). */
  private interrupted = false;

  constructor(run: PlannedRun, opts: RunSessionOptions) {
    this.run = run;
    this.opts = opts;
    this.artifactDir = path.join(opts.session.artifactsRoot, artifactDirName(run, timestampForPath()));
    this.recorder = new ResultRecorder(run, this.artifactDir, opts.descriptor, opts.session.executionId, opts.attempt ?? 1);
    const ctx: RunContext = {
      run,
      rootDir: opts.session.rootDir,
      artifactDir: this.artifactDir,
      descriptor: opts.descriptor,
      session: opts.session,
      warn: (m) => this.recorder.warn(m),
      phase: (p) => this.recorder.phase(p),
      event: (e) => appendEvent(this.artifactDir, e),
    };
    this.stages = buildPipeline(ctx, () => this.remotes());
  }

  // A note for run_result.json's warnings (e.g. why --resume measures this run again).
  warn(message: string): void {
    this.recorder.warn(message);
  }

  // Run every stage; resolves with the result of a passed run, rejects with RunFailedError otherwise.
  execute(): Promise<RunResult> {
    const execution = this.executeStages();
    this.execution = execution.catch(() => undefined);
    return execution;
  }

  private async executeStages(): Promise<RunResult> {
    let failure: unknown = null;
    this.running = true;
    this.recorder.phase('run_start');
    try {
      for (const stage of this.stages) {
        if (this.interrupted) break; // nothing new starts once the run is being stopped
        // Registered before start(): a stage that fails half-way still stops what it began.
        this.cleanup.push(`stop ${stage.name}`, () => stage.stop());
        await stage.start();
      }
    } catch (err) {
      failure = err;
    }
    // Stopped from outside: whatever the stages saw then (killed clients…) is a consequence.
    if (this.interrupted) failure = new RunInterruptedError('the run was stopped before it ended (the test timed out or the suite was interrupted)', { cause: failure ?? undefined });
    this.running = false;
    const teardownError = await this.teardown();
    // Teardown problems after a failure are secondary: keep them as warnings.
    if (teardownError && failure) this.recorder.warn(`teardown: ${classifyFailure(teardownError, this.artifactDir).message.split('\n')[0]}`);
    const result = this.finish(failure ?? teardownError);
    if (result.status !== 'passed') {
      const info = result.error ?? classifyFailure(new Error('failed'), this.artifactDir);
      // The run's own error and log tail, never a code frame of the harness (RunFailedError has no stack).
      const tail = info.log_tail && !info.message.includes(info.log_tail) ? `\n\n--- last lines of ${info.log ?? 'its log'} ---\n${info.log_tail}` : '';
      const disturbed = result.status === 'failed' && result.assessment?.disturbed === true;
      throw new RunFailedError(`Run ${this.run.name} ${result.status === 'interrupted' ? 'was interrupted' : 'failed'}: ${info.message}${tail}\n\nartifacts: ${this.artifactDir}`, info, this.artifactDir, disturbed);
    }
    return result;
  }

  // Stop whatever is still running (idempotent; the fixture calls it after every test). When the
  // run is still executing (a test timeout, an interruption), it is stopped and this waits until it
  // has torn down every stage and written run_result.json.
  async dispose(): Promise<void> {
    if (this.running) this.interrupted = true;
    try {
      await this.cleanup.dispose();
    } finally {
      await this.execution;
      await this.disposeOwnRemotes();
    }
  }

  private remotes(): SuiteRemotes {
    if (this.opts.remotes) return this.opts.remotes;
    this.ownRemotes ??= new SuiteRemotes();
    return this.ownRemotes;
  }

  private async disposeOwnRemotes(): Promise<void> {
    const own = this.ownRemotes;
    this.ownRemotes = undefined;
    await own?.dispose();
  }

  private async teardown(): Promise<unknown> {
    this.recorder.phase('teardown_start');
    let error: unknown = null;
    try {
      await this.cleanup.dispose();
      await this.disposeOwnRemotes();
    } catch (err) {
      error = err;
    }
    this.recorder.phase('teardown_end');
    return error;
  }

  // Collect the stages' reports, judge a finished run, scrub the logs and write run_result.json.
  private finish(failureIn: unknown): RunResult {
    let failure = failureIn;
    const commands: CommandRecord[] = [];
    const sections: StageSections = { ...EMPTY_SECTIONS };
    const stageMetrics: Record<string, number> = {};
    for (const stage of this.stages) {
      const report = stage.report();
      commands.push(...(report.commands ?? []));
      Object.assign(sections, report.sections);
      Object.assign(stageMetrics, report.keyMetrics);
    }
    // The clients' figures, then what stages measured beside them (CPU cost, capacity).
    const keyMetrics = { ...keyMetricsFrom(commands.filter((c) => c.role === 'client').map((c) => c.metrics)), ...stageMetrics };
    let assessment = null;
    if (!failure) {
      // A run that finished is still not a measurement unless its numbers are valid.
      const run = this.run;
      const baselines = this.opts.baselines ?? new ArtifactBaselines(path.dirname(this.artifactDir), { sessionId: this.opts.session.executionId, resume: this.opts.session.resume });
      const block = this.opts.block ?? blockOf(run);
      assessment = assessRun({ ...block, checks: { validity: run.validity, expect: run.expect, ...(run.precision ? { precision: run.precision } : {}) }, hasClients: commands.some((c) => c.role === 'client') }, keyMetrics, baselines);
      describeUnchecked(block, assessment.unchecked).forEach((w) => this.recorder.warn(w));
      const absent = absentMetricsWarning(absentLoadMetrics(keyMetrics, commands.some((c) => c.role === 'client')), run.validity);
      if (absent) this.recorder.warn(absent);
      if (assessment.problems.length > 0) failure = new InvalidRunError(assessment.problems, assessment.disturbed === true);
    }
    this.redactLogs();
    const { status, error } = finalStatus(failure, (f) => classifyFailure(f, this.artifactDir));
    return writeRunResult(this.recorder, this.artifactDir, { status, error, commands, keyMetrics, assessment, sections });
  }

  private redactLogs(): void {
    for (const file of logFiles(this.artifactDir)) {
      try {
        if (!redactFileInPlace(file, { statSync, readFileSync, writeFileSync })) this.recorder.warn(`${path.basename(file)} is over 64 MiB and was not scrubbed for secrets`);
      } catch (err) {
        this.recorder.warn(`${path.basename(file)} could not be scrubbed for secrets: ${describeFsError(err)}`);
      }
    }
  }
}

// Logs can echo secrets (a token in a command line, a key printed by a tool): scrub them once written.
function logFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

// The run's process timeline, one line per event (events.log): who started, was ready, was killed, exited when.
function appendEvent(artifactDir: string, e: ProcessEvent): void {
  try {
    appendFileSync(path.join(artifactDir, 'events.log'), `${e.time.toISOString()} ${formatEvent(e)}\n`);
  } catch {} // a timeline line is never worth failing a run
}
