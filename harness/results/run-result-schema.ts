import { FAILURE_KINDS, type FailureKind } from '../errors/harness-error.ts';
import { z } from 'zod';
import { registerJsonSchema } from '../config/json-schema.ts';
import { ValiditySchema } from '../config/schema/suite.ts';
import { PrecisionSchema } from '../config/schema/precision.ts';
import { FetchRecordSchema, InstrumentationSectionSchema, MonitorsSectionSchema, MutationSectionSchema, RemoteHostRecordSchema } from './run-result-sections.ts';
import { TimeSeriesSectionSchema } from './timeseries-schema.ts';
import { CpuSectionSchema } from './cpu-section-schema.ts';
import { RateSearchSectionSchema } from './rate-search-section-schema.ts';
import { LatencySectionSchema } from './latency-floor-schema.ts';

/** 2: stage sections typed, `error.reason`, `assessment`, `mutation` out of `instrumentation`. */
export const RUN_RESULT_SCHEMA_VERSION = 2;

const Iso = z.string().describe('ISO 8601 time');

// One process of the run: the common shape of a command's outcome.
export const CommandRecordSchema = z.strictObject({
  role: z.enum(['server', 'antagonist', 'client', 'observer', 'monitor']),
  name: z.string(),
  command: z.array(z.string()),
  command_line: z.string(),
  host: z.string(),
  cwd: z.string(),
  log: z.string().describe('Log file, relative to the artifact folder.'),
  pid: z.number().int().nullable(),
  started_at: Iso.nullable(),
  duration_ms: z.number().nullable(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  timed_out: z.boolean(),
  stopped_by_harness: z.boolean(),
  metrics_file: z.string().nullable().optional(),
  metrics: z.unknown().nullable().optional().describe('The metrics JSON the command wrote, ingested.'),
  metrics_error: z.string().nullable().optional(),
});

/** Key figures for reporters, taken from the clients' metrics. */
export const KeyMetricsSchema = z.record(z.string(), z.number());

export const PhasesSchema = z.strictObject({
  run_start: Iso.nullable(),
  servers_ready: Iso.nullable(),
  observer_ready: Iso.nullable(),
  load_start: Iso.nullable(),
  load_end: Iso.nullable(),
  teardown_start: Iso.nullable(),
  teardown_end: Iso.nullable(),
});

/**
 * Why a run did not pass, as one closed set (classified in harness/runner/run-failure.ts):
 * config — bad input found at run time (a patch that does not apply, an unknown command, a bad agent config);
 * process — a server, client or build exited or failed to start; timeout — a process ran past its deadline;
 * observer — perf, the agent or a required host monitor failed; remote — ssh, a generator host or copy-back;
 * invalid — every process succeeded but the numbers are not a valid measurement or miss an expectation;
 * interrupted — the harness was stopped (signal, test timeout) before the run ended; internal — a harness bug.
 */
/** The failure kinds, one closed union for runs and the CLI (errors/harness-error.ts). */
export const RUN_FAILURE_KINDS = FAILURE_KINDS;
export type RunFailureKind = FailureKind;

export const RunErrorSchema = z.strictObject({
  message: z.string(),
  kind: z.enum(RUN_FAILURE_KINDS),
  reason: z.string().describe('The detail under the kind: the error class and its own cause, e.g. "CommandError: exit", "HostKeyError: changed".'),
  command: z.string().nullable(),
  log: z.string().nullable().describe('Log of the failed process, relative to the artifact folder.'),
  log_tail: z.string().nullable(),
});

/** How a finished run was judged (harness/results/assess-run.ts), with what it was judged against. */
export const AssessmentSchema = z.strictObject({
  checks: z.strictObject({
    validity: ValiditySchema,
    expect: z.record(z.string(), z.strictObject({ min: z.number().optional(), max: z.number().optional() })),
    precision: PrecisionSchema.optional().describe("The workload's precision targets (docs/precision.md): the summary and merge replay the stop rule from them."),
  }),
  baseline: z.strictObject({ run_id: z.string(), artifact_dir: z.string() }).nullable().describe('The baseline run of the same repetition block that overhead was computed against.'),
  overhead_pct: z.record(z.string(), z.number()).describe('Cost of this mode against the baseline per key metric, percent (positive = costs).'),
  problems: z.array(z.string()),
  disturbed: z
    .boolean()
    .optional()
    .describe('Every problem is a disturbance of the measurement (never steady, a transient in the window, a saturated generator), none a failure of the system: the run is measured again up to validity.disturbed_retries times.'),
  unchecked: z.array(z.string()).describe('overhead_pct expectations with no baseline yet (judged again by the summary and `harness merge`).'),
});

// Sections returned by the run's stages (harness/runner/stage.ts); a new stage adds its own here.
/** How the run's processes were contained (docs/reliability.md) and their exact CPU time where a cgroup measured it. */
export const ContainmentSectionSchema = z.strictObject({
  mode: z.string().describe('`cgroup v2`, `cgroup v1` or `process groups`.'),
  cgroup: z.array(z.string()).nullable().describe('The run cgroup folders (null without a cgroup).'),
  cpu_usec: z.number().nullable().describe('CPU time of everything the run started, from the cgroup (null without one).'),
});

export const StageSectionsSchema = z.strictObject({
  containment: ContainmentSectionSchema.nullable().default(null),
  mutation: MutationSectionSchema.nullable(),
  instrumentation: InstrumentationSectionSchema.describe('Mode-specific outputs: perf stat values, Prometheus snapshot, agent config.'),
  monitors: MonitorsSectionSchema.describe('Host monitor summaries (mpstat, pidstat).'),
  remote_hosts: z.array(RemoteHostRecordSchema).describe('Generator hosts: identity, kernel, clock offset to the server node at run start, and how each was trusted (host key, jump hosts and their keys).'),
  remote_fetch: z.array(FetchRecordSchema).describe('Each copy-back transfer (source, destination, bytes, duration, error).'),
  timeseries: TimeSeriesSectionSchema.nullable().default(null).describe('Prometheus endpoints scraped during the measurement window, dumped as OpenMetrics under prometheus/ (null when nothing was scraped).'),
  cpu: CpuSectionSchema.nullable().default(null).describe('CPU cost of each local process group over the measurement window (cpu stage; null when the load never ran).'),
  rate_search: RateSearchSectionSchema.nullable().default(null).describe('Capacity search: every probe and capacity_rps (load stage, when the workload asks for rate_search).'),
  latency: LatencySectionSchema.nullable().default(null).describe('Each latency percentile\'s order-statistic interval, the generators\' floors and whether this node can measure it (load stage; docs/measurement-floor.md).'),
});

// run_result.json: the final summary of one run, written for failed runs too.
export const RunResultSchema = z.strictObject({
  schema_version: z.literal(RUN_RESULT_SCHEMA_VERSION),
  run: z.strictObject({
    id: z.string(),
    name: z.string(),
    suite: z.string(),
    descriptor: z.string(),
    workload: z.string(),
    mode: z.string(),
    variant: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    repetition: z.number().int(),
    order: z.number().int(),
    attempt: z.number().int().min(1).optional().describe('Which measurement of this run in its suite execution (1 unless a disturbed attempt was measured again; the latest attempt is the result).'),
    suite_execution_id: z.string().optional().describe('Suite execution ID: shared by every run of one `harness run` / Vitest invocation.'),
    session_id: z.string().optional().describe('Older name of suite_execution_id (results written before it was renamed).'),
  }),
  status: z.enum(['passed', 'failed', 'interrupted']),
  error: RunErrorSchema.nullable(),
  artifact_dir: z.string(),
  started_at: Iso,
  finished_at: Iso,
  duration_ms: z.number(),
  phases: PhasesSchema,
  commands: z.array(CommandRecordSchema),
  key_metrics: KeyMetricsSchema,
  assessment: AssessmentSchema.nullable().describe('null when the run failed before it produced numbers.'),
  ...StageSectionsSchema.shape,
  annotations: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  warnings: z.array(z.string()),
});

export type RunResult = z.infer<typeof RunResultSchema>;
export type RunError = z.infer<typeof RunErrorSchema>;
export type CommandRecord = z.infer<typeof CommandRecordSchema>;
export type Phases = z.infer<typeof PhasesSchema>;
export type Assessment = z.infer<typeof AssessmentSchema>;
export type StageSections = z.infer<typeof StageSectionsSchema>;
export type MutationSection = NonNullable<StageSections['mutation']>;
export type ContainmentSection = z.infer<typeof ContainmentSectionSchema>;
export type InstrumentationSection = StageSections['instrumentation'];
export type MonitorsSection = StageSections['monitors'];
export type RemoteHostRecord = StageSections['remote_hosts'][number];
export type FetchRecordEntry = StageSections['remote_fetch'][number];

registerJsonSchema('run-result', RunResultSchema);
