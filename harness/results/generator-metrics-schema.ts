// The generator-metrics format (docs/load-tools.md): what a load client hands the harness, written
// by the project's generators (experiments/workloads/lib/metrics.ts) and by result adapters
// (harness/results/adapters/) for third-party tools. Strict: a misspelled or mistyped key is an
// error at its key path, never silently ignored. Published as harness/schemas/generator-metrics.schema.json.
import { z } from 'zod';
import { GeneratorFloorSchema, SteadinessSeriesSchema } from './latency-floor-schema.ts';
import { registerJsonSchema } from '../config/json-schema.ts';

/** The version this harness reads and adapters write; absent in a file means 1. */
export const GENERATOR_METRICS_FORMAT_VERSION = 1;
/** The project's generators name the format this way (`schema`); same version as format_version 1. */
export const GENERATOR_METRICS_SCHEMA_ID = 'harness.generator-metrics/v1';

const Count = z.number().int().min(0);
const NonNeg = z.number().finite().min(0);
const Iso = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO 8601 date-time, e.g. 2026-01-01T00:00:00.000Z');

export const LatencyUsSchema = z
  .strictObject({ min: NonNeg, mean: NonNeg, p50: NonNeg, p90: NonNeg, p95: NonNeg, p99: NonNeg, p999: NonNeg, max: NonNeg })
  .partial()
  .describe('Latency in microseconds; give the figures the tool measured, omit (and list in `unavailable`) the others.');

export const HistogramSchema = z.strictObject({
  encoding: z.literal('hdr-base64'),
  unit: z.literal('us'),
  data: z.string().describe('HdrHistogram compressed V2 encoding, base64.'),
  percentiles: z.array(z.strictObject({ percentile: z.number().min(0).max(100), value_us: NonNeg })).describe('Points for CDF plots.'),
});

export const TimelineEntrySchema = z.strictObject({
  t_s: NonNeg.describe('Seconds since the measurement start.'),
  offered: Count.describe('Requests whose intended send time fell in this second.'),
  achieved: Count.describe('Requests completed with success in this second.'),
  errors: Count,
  p50_us: NonNeg,
  p99_us: NonNeg,
});

export const ScheduleSchema = z.strictObject({
  achieved_send_rps: NonNeg,
  send_lag_us: z.strictObject({ p50: NonNeg, p99: NonNeg, max: NonNeg }).partial().optional(),
  max_backlog: Count.optional(),
  unsent: Count.optional(),
  warmup_sent: Count.optional(),
  timer_slack_ns: NonNeg.optional(),
  realtime: z.boolean().optional(),
  send_mode: z.enum(['sleep', 'busy-poll']).optional().describe('How the generator waited between sends (docs/measurement-floor.md).'),
  gc: z.enum(['single-threaded', 'parallel']).optional().describe('Where the generator\'s garbage collections ran: on its main thread alone (`node --single-threaded-gc`) or with V8\'s helper threads (docs/measurement-floor.md).'),
});

/** Closed loop: each connection waits for a reply before it sends again (no offered rate; latency under coordinated omission). */
export const LOAD_MODELS = ['open', 'closed'] as const;

export const GeneratorMetricsSchema = z
  .strictObject({
    format_version: z.literal(GENERATOR_METRICS_FORMAT_VERSION).describe('Format version. @default 1'),
    schema: z.literal(GENERATOR_METRICS_SCHEMA_ID).describe('The project generators’ name for format version 1.'),
    workload: z.string(),
    generator: z.string().describe('The tool or generator that measured.'),
    load_model: z.enum(LOAD_MODELS).describe('`open`: requests sent on a schedule (offered_rps); `closed`: each connection waits for its reply (throughput is achieved, not offered). @default open'),
    arrival: z.string().describe('Open loop: `constant` or `poisson`.'),
    connections: Count,
    duration_s: NonNeg.describe('Length of the measurement window (with started_at and warmup_s: the CPU accounting window).'),
    warmup_s: NonNeg,
    offered_rps: NonNeg.nullable().describe('The rate the tool was asked to send; null when it cannot tell (closed loop).'),
    achieved_rps: NonNeg.describe('Completed requests per second of the window.'),
    sent: Count,
    completed: Count.describe('Requests that completed with success.'),
    errors: Count,
    timeouts: Count,
    dropped: Count.describe('Requests the system under test discarded on purpose and said so.'),
    latency_us: LatencyUsSchema,
    histogram: HistogramSchema.nullable().describe('null when the tool gives no per-request latencies.'),
    saturated: z.boolean().describe('The generator could not keep to its schedule.'),
    notes: z.array(z.string()),
    seed: z.number(),
    target: z.string(),
    started_at: Iso,
    ended_at: Iso,
    schedule: ScheduleSchema,
    timeline: z.array(TimelineEntrySchema).nullable().describe('One entry per second of the window; null when the tool gives none.'),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    floor: GeneratorFloorSchema.describe('The generator\'s own floor per percentile: send lag + calibration spread (docs/measurement-floor.md).'),
    steadiness: SteadinessSeriesSchema.describe('Latency p50 in short buckets over warm-up and window: the harness detects steady state from it (docs/measurement-floor.md).'),
    unavailable: z.array(z.string()).describe('Fields the tool cannot tell (e.g. offered_rps, histogram, latency_us.p999): stated, never guessed.'),
    adapter: z
      .strictObject({
        name: z.string().describe('The result adapter that wrote this file (docs/load-tools.md).'),
        source: z.string().describe('What it read: the client log or a file the tool wrote.'),
      })
      .describe('Present when a result adapter converted a third-party tool’s output.'),
  })
  .partial()
  .describe('Metrics a load client reports to the harness (docs/load-tools.md). Every field is optional; an unknown key is an error.');

export type GeneratorMetrics = z.infer<typeof GeneratorMetricsSchema>;

registerJsonSchema('generator-metrics', GeneratorMetricsSchema);
