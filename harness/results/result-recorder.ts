import path from 'node:path';
import type { PlannedRun } from '../plan/run-types.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { closedLoopWarnings, sendLagWarnings } from './key-metrics.ts';
import { redactValue } from './redact.ts';
import { RUN_RESULT_SCHEMA_VERSION, RunResultSchema, type Assessment, type CommandRecord, type Phases, type RunError, type RunResult, type StageSections } from './run-result-schema.ts';

const PHASES: (keyof Phases)[] = ['run_start', 'servers_ready', 'observer_ready', 'load_start', 'load_end', 'teardown_start', 'teardown_end'];

/** Everything a run's stages produced, handed over once at the end. */
export interface RunFindings {
  status: RunResult['status'];
  error: RunError | null;
  commands: CommandRecord[];
  keyMetrics: Record<string, number>;
  assessment: Assessment | null;
  sections: StageSections;
}

/** Timestamps the run's phases, collects warnings, and writes run_result.json (for failed runs too). */
export class ResultRecorder {
  readonly startedAt = new Date();
  private readonly phases = Object.fromEntries(PHASES.map((p) => [p, null])) as Phases;
  private readonly warnings: string[] = [];

  constructor(
    private readonly run: PlannedRun,
    private readonly artifactDir: string,
    private readonly descriptor: string,
    /** The suite execution this run belongs to. */
    private readonly executionId: string,
    /** Which measurement of the run this is (1 unless a disturbed attempt was measured again). */
    private readonly attempt = 1,
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

  // Build, check against the schema and atomically write run_result.json; returns what was written.
  // A result that breaks the schema (a stage's typo) is still written, as a failed run saying where.
  write(findings: RunFindings): RunResult {
    const finished = new Date();
    const clientMetrics = findings.commands.filter((c) => c.role === 'client').map((c) => c.metrics);
    for (const w of [...sendLagWarnings(clientMetrics), ...closedLoopWarnings(clientMetrics)]) this.warn(w);
    const result: RunResult = redactValue({
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
        attempt: this.attempt,
        suite_execution_id: this.executionId,
      },
      status: findings.status,
      error: findings.error,
      artifact_dir: this.artifactDir,
      started_at: this.startedAt.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: finished.getTime() - this.startedAt.getTime(),
      phases: { ...this.phases },
      commands: findings.commands,
      key_metrics: findings.keyMetrics,
      assessment: findings.assessment,
      ...findings.sections,
      annotations: this.run.resolved.config.annotations,
      warnings: [...this.warnings],
    });
    const checked = RunResultSchema.safeParse(result);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      result.status = 'failed';
      result.error = { message: `run_result.json does not match its schema (a harness bug): ${issues}`, kind: 'internal', reason: 'schema', command: null, log: null, log_tail: null };
    }
    writeJsonAtomic(this.resultPath, result);
    return result;
  }
}
