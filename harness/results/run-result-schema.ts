import { z } from 'zod';
import { registerJsonSchema } from '../config/json-schema.ts';
import { CpuSectionSchema } from './cpu-section-schema.ts';
import { RateSearchSectionSchema } from './rate-search-section-schema.ts';

export const RUN_RESULT_SCHEMA_VERSION = 1;

const Iso = z.string().describe('ISO 8601 time');

// One process of the run: the common shape of a command's outcome (seed §6 "commands").
export const CommandRecordSchema = z.object({
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

export const PhasesSchema = z.object({
  run_start: Iso.nullable(),
  servers_ready: Iso.nullable(),
  observer_ready: Iso.nullable(),
  load_start: Iso.nullable(),
  load_end: Iso.nullable(),
  teardown_start: Iso.nullable(),
  teardown_end: Iso.nullable(),
});

export const RunErrorSchema = z.object({
  message: z.string(),
  kind: z.string().describe('config | process | timeout | observer | remote | internal'),
  command: z.string().nullable().optional(),
  log: z.string().nullable().optional(),
  log_tail: z.string().nullable().optional(),
});

// run_result.json: the final summary of one run (seed §6), written for failed runs too.
export const RunResultSchema = z.object({
  schema_version: z.literal(RUN_RESULT_SCHEMA_VERSION),
  run: z.object({
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
    session_id: z.string().optional().describe('Shared by every run of one suite invocation.'),
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
  instrumentation: z.record(z.string(), z.unknown()).describe('Mode-specific outputs: perf stat values, Prometheus snapshot, agent config.'),
  monitors: z.record(z.string(), z.unknown()).describe('Host monitor summaries (mpstat, pidstat).'),
  remote_fetch: z.array(z.record(z.string(), z.unknown())).default([]).describe('Each copy-back transfer (source, destination, bytes, duration, error).'),
  remote_hosts: z.array(z.record(z.string(), z.unknown())).default([]).describe('Generator hosts: identity, kernel, clock offset to the server node at run start, and how each was trusted (host key, jump hosts and their keys).'),
  annotations: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  warnings: z.array(z.string()),
  rate_search: RateSearchSectionSchema.optional().describe('Capacity search: every probe and capacity_rps (workload rate_search).'),
  cpu: CpuSectionSchema.optional().describe('CPU cost of each local process group over the measurement window (harness/monitors/cpu).'),
});

export type RunResult = z.infer<typeof RunResultSchema>;
export type CommandRecord = z.infer<typeof CommandRecordSchema>;
export type Phases = z.infer<typeof PhasesSchema>;

registerJsonSchema('run-result', RunResultSchema);
