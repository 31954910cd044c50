import type { ProcessEvent } from '../process/index.ts';
import type { HarnessSession } from '../session/session.ts';
import type { PlannedRun, ProcessPlan } from '../plan/run-types.ts';
import type { CommandRecord, Phases, StageSections } from '../results/run-result-schema.ts';

/**
 * A stage of a run (prepare, servers, monitors, observer, copy-back, load, …): a plain object that
 * starts something, stops it, and returns its own typed part of run_result.json.
 *
 * The contract RunSession keeps (run-session.ts):
 * - Stages start in pipeline order (pipeline.ts); the first start() that throws ends the start-up.
 * - stop() is called for every stage whose start() was called — also when that start() threw half-way —
 *   in reverse order, and teardown never stops early: every stop() runs, then the first error (or an
 *   AggregateError) is rethrown. So stop() must cope with a start() that did not finish.
 * - report() is called once for every stage after teardown, also for stages that never started (a
 *   stage then reports what it would have run, e.g. commands with no pid). It must not throw.
 * - The measurement window is the load stage's start(): a stage placed right before `load` starts just
 *   before the clients and, teardown being LIFO, stops just after they end (load_start/load_end phases).
 *
 * To add a stage: a class implementing RunStage; its section's zod schema in StageSectionsSchema
 * (results/run-result-schema.ts) with a default in EMPTY_SECTIONS (run-session.ts); one line in
 * buildPipeline(). Stages that need another stage's product (the server pids, the rendered commands)
 * take that stage in their constructor.
 */
export interface RunStage {
  /** Used in teardown errors: "stop servers: …". */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  report(): StageReport;
}

/** A stage's part of run_result.json. */
export interface StageReport {
  /** Processes it ran (or would have run), in start order. */
  commands?: CommandRecord[];
  sections?: Partial<StageSections>;
  /** Key figures this stage adds to the clients' (CPU cost, capacity_rps); judged and reported like them. */
  keyMetrics?: Record<string, number>;
}

/** A local process group a stage started (its leader's pid): what the cpu stage accounts. */
export interface StartedGroup {
  name: string;
  role: ProcessPlan['role'];
  pid: number;
}

/** What every stage of a run shares. */
export interface RunContext {
  readonly run: PlannedRun;
  /** The checkout; a mutation's commands run in its worktree instead (prepare stage). */
  readonly rootDir: string;
  readonly artifactDir: string;
  readonly descriptor: string;
  /** The invocation's settings (artifacts root, execution ID, command-line overrides…). */
  readonly session: HarnessSession;
  /** A note for run_result.json's warnings. */
  warn(message: string): void;
  /** Timestamp a phase of the run. */
  phase(name: keyof Phases): void;
  /** A process event (spawn, ready, kill, exit, timeout) of the run's servers and clients, for events.log. */
  event(e: ProcessEvent): void;
}
