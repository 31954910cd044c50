import { z } from 'zod';

const PERCENTILE_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999'] as const;
const ByPercentile = z.strictObject(Object.fromEntries(PERCENTILE_KEYS.map((k) => [k, z.number()])) as Record<(typeof PERCENTILE_KEYS)[number], z.ZodNumber>);

/** A generator's own floor, the `floor` of its metrics JSON (experiments/workloads/lib/metrics.ts). */
export const GeneratorFloorSchema = z.strictObject({
  send_lag_us: ByPercentile.describe('Actual − intended send time at each percentile, over the run.'),
  calibration: z
    .strictObject({
      requests: z.number().int(),
      gap_us: z.number(),
      latency_us: z.strictObject({ p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), p999: z.number(), max: z.number() }),
      note: z.string().optional(),
    })
    .nullable()
    .describe('The paced one-at-a-time probe at run start (null: the generator ran none).'),
  floor_us: ByPercentile.describe('send lag + the calibration\'s spread above its median, per percentile.'),
});

/** One client's own floor in run_result.json: its metrics' `floor` with the client's name and send mode. */
export const ClientFloorSchema = GeneratorFloorSchema.extend({
  client: z.string(),
  send_mode: z.string().nullable().describe('How the generator waited between sends (`sleep`, `busy-poll`); null when it did not say.'),
});

/** The `steadiness` of a generator's metrics JSON: latency p50 per bucket over warm-up and window (0: nothing completed). */
export const SteadinessSeriesSchema = z.strictObject({
  bucket_ms: z.number().positive(),
  start_s: z.number().describe('Seconds from the measurement start to the first bucket (negative: the warm-up).'),
  p50_us: z.array(z.number().nonnegative()),
});

/** One latency key metric (p50_us, …) with its order-statistic interval and whether this node can measure it. */
export const PercentileVerdictSchema = z.strictObject({
  percentile: z.number(),
  value_us: z.number(),
  client: z.string().describe('The client whose value is the key metric (the worst).'),
  samples: z.number().int().describe('The HDR histogram\'s sample count.'),
  ci95: z.strictObject({ low: z.number().nullable(), high: z.number().nullable() }).describe('Distribution-free (order-statistic) 95 % interval; null: the sample cannot bound that side.'),
  floor_us: z.number().nullable().describe('The generator\'s floor at this percentile (null: the generator gave none).'),
  measurable: z.boolean(),
  reason: z.string().nullable().describe('Why it is not measurable, as printed in the warnings.'),
});

/** When the run reached steady state, from the clients' `steadiness` series (stats/steady-state.ts). */
export const SteadyStateSchema = z.strictObject({
  client: z.string().describe('The client judged (the one whose transient lasts longest).'),
  bucket_ms: z.number(),
  points: z.number().int(),
  steady_from_s: z.number().nullable().describe('Seconds from the measurement start (negative: inside the warm-up); null: never steady.'),
  transient_in_window: z.boolean(),
  reason: z.string().nullable(),
});

// The `latency` section of run_result.json (load stage; docs/measurement-floor.md).
export const LatencySectionSchema = z.strictObject({
  floor_share: z.number().describe('A percentile is not measurable when its floor is at least this share of its value.'),
  confidence: z.number(),
  percentiles: z.record(z.string(), PercentileVerdictSchema).describe('Keyed by key metric: p50_us, p90_us, p95_us, p99_us, p999_us.'),
  clients: z.array(ClientFloorSchema),
  steady_state: SteadyStateSchema.nullable().default(null),
});

export type ClientFloor = z.infer<typeof ClientFloorSchema>;
export type PercentileVerdict = z.infer<typeof PercentileVerdictSchema>;
export type SteadyStateVerdict = z.infer<typeof SteadyStateSchema>;
export type LatencySection = z.infer<typeof LatencySectionSchema>;
