import { gcThreads, type GcThreads } from './gc-threads.ts';
import type { Arrival } from './arrivals.ts';
import { writeJsonAtomic } from './json-file.ts';
import type { LatencySummaryUs, PercentilePoint } from './latency-recorder.ts';
import type { CalibrationResult } from './calibration.ts';
import { STEADINESS_BUCKET_MS, type OpenLoopResult, type SendMode } from './open-loop.ts';
import { assessSaturation } from './saturation.ts';
import type { TimelineEntry } from './timeline.ts';

export const GENERATOR_METRICS_SCHEMA = 'harness.generator-metrics/v1';

/**
 * The metrics JSON every open-loop generator writes to `--metrics-file` (kv, lb, nfv). The harness
 * reads it (harness/results/key-metrics.ts); keep it stable: add optional fields, never rename.
 */
export interface GeneratorMetrics {
  schema: typeof GENERATOR_METRICS_SCHEMA;
  workload: string;
  generator: string;
  arrival: Arrival;
  connections: number;
  duration_s: number;
  warmup_s: number;
  offered_rps: number;
  /** Completed ÷ max(duration, measurement start → last response). */
  achieved_rps: number;
  /** Measured requests only (intended send time after the warm-up). */
  sent: number;
  completed: number;
  errors: number;
  timeouts: number;
  /**
   * Measured requests the system under test discarded on purpose and reported (nfv: firewall denies);
   * present when the workload can drop (`MetricsContext.reportDropped`) or when any were dropped.
   */
  dropped?: number;
  /** From each request's intended send time to its response (coordinated-omission safe). */
  latency_us: LatencySummaryUs;
  histogram: {
    encoding: 'hdr-base64';
    unit: 'us';
    /** HdrHistogram compressed V2 encoding, base64. */
    data: string;
    percentiles: PercentilePoint[];
  };
  /** True when the generator itself could not keep to its schedule; `notes` says why. */
  saturated: boolean;
  notes: string[];
  seed: number;
  /** host:port the load went to. */
  target: string;
  started_at: string;
  ended_at: string;
  /** How well the generator kept to its schedule. */
  schedule: {
    achieved_send_rps: number;
    send_lag_us: { p50: number; p99: number; max: number };
    max_backlog: number;
    unsent: number;
    warmup_sent: number;
    /** The main thread's timer slack while it ran (ns), when Linux says; see lib/timer-slack.ts. */
    timer_slack_ns?: number;
    /** The generator ran SCHED_FIFO (--realtime). */
    realtime?: boolean;
    /** How it waited between sends (--send-mode); absent in files written before the mode existed. */
    send_mode?: SendMode;
    /** Where its garbage collections ran (lib/gc-threads.ts); absent in files written before it was recorded. */
    gc?: GcThreads;
  };
  /**
   * Latency p50 of the warm-up and the window in `bucket_ms` buckets, the first starting `start_s`
   * seconds from the measurement start (negative: the warm-up); 0 where nothing completed. The harness
   * decides from it when the run reached steady state (docs/measurement-floor.md).
   */
  steadiness?: { bucket_ms: number; start_s: number; p50_us: number[] };
  /** The generator's own floor per percentile (docs/measurement-floor.md). */
  floor?: GeneratorFloor;
  /** One entry per second of the measurement window (README: "Timeline"). */
  timeline: TimelineEntry[];
  /** Workload-specific parameters (keyspace, value size, …). */
  params: Record<string, string | number | boolean>;
}

export const FLOOR_PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;
export type FloorPercentile = keyof typeof FLOOR_PERCENTILES;

/**
 * What the generator itself adds at each percentile, µs: its send lag at that percentile during the
 * run, plus what a paced one-at-a-time probe at run start saw above its own median (the host's wake-up
 * jitter; not the server's service time, which is in the median). A latency percentile near its floor
 * is the generator's, not the server's.
 */
export interface GeneratorFloor {
  send_lag_us: Record<FloorPercentile, number>;
  /** null when the generator ran no calibration (--calibrate-s 0, or a workload without one). */
  calibration: CalibrationResult | null;
  floor_us: Record<FloorPercentile, number>;
}

export interface MetricsContext {
  workload: string;
  generator: string;
  arrival: Arrival;
  connections: number;
  durationS: number;
  warmupS: number;
  seed: number;
  target: string;
  params?: Record<string, string | number | boolean>;
  /** Notes from the workload itself (e.g. preload problems), listed before the scheduler's. */
  notes?: string[];
  /** The timer slack in force (lib/timer-slack.ts), recorded in `schedule.timer_slack_ns`. */
  timerSlackNs?: number;
  /** The generator ran SCHED_FIFO (--realtime). @default false */
  realtime?: boolean;
  /** The paced probe run before the schedule (lib/calibration.ts), if any. */
  calibration?: CalibrationResult;
  /** Always write `dropped`, even when 0 (workloads whose server may discard requests on purpose). @default false */
  reportDropped?: boolean;
}

// Assemble the metrics document from one open-loop run.
export function buildGeneratorMetrics(ctx: MetricsContext, r: OpenLoopResult): GeneratorMetrics {
  const verdict = assessSaturation(r);
  return {
    schema: GENERATOR_METRICS_SCHEMA,
    workload: ctx.workload,
    generator: ctx.generator,
    arrival: ctx.arrival,
    connections: ctx.connections,
    duration_s: ctx.durationS,
    warmup_s: ctx.warmupS,
    offered_rps: r.offeredRps,
    achieved_rps: round1(r.achievedRps),
    sent: r.sent,
    completed: r.completed,
    errors: r.errors,
    timeouts: r.timeouts,
    ...(ctx.reportDropped || r.dropped ? { dropped: r.dropped ?? 0 } : {}),
    latency_us: r.latency.summary(),
    histogram: { encoding: 'hdr-base64', unit: 'us', data: r.latency.encode(), percentiles: r.latency.percentiles() },
    saturated: verdict.saturated,
    notes: [...(ctx.notes ?? []), ...verdict.notes],
    seed: ctx.seed,
    target: ctx.target,
    started_at: new Date(r.startedAtMs).toISOString(),
    ended_at: new Date(r.endedAtMs).toISOString(),
    schedule: {
      achieved_send_rps: round1(r.achievedSendRps),
      send_lag_us: { p50: r.sendLag.valueAt(50), p99: r.sendLag.valueAt(99), max: r.sendLag.valueAt(100) },
      max_backlog: r.maxBacklog,
      unsent: r.unsent,
      warmup_sent: r.warmupSent,
      ...(ctx.timerSlackNs !== undefined ? { timer_slack_ns: ctx.timerSlackNs } : {}),
      ...(ctx.realtime ? { realtime: true } : {}),
      ...(r.sendMode ? { send_mode: r.sendMode } : {}),
      gc: gcThreads(),
    },
    ...(r.steadiness ? { steadiness: { bucket_ms: STEADINESS_BUCKET_MS, start_s: -ctx.warmupS, p50_us: r.steadiness.map((e) => e.p50_us) } } : {}),
    floor: generatorFloor(r, ctx.calibration ?? null),
    timeline: r.timeline ?? [],
    params: ctx.params ?? {},
  };
}

// The floor from the run's send lag and the calibration's spread above its median.
export function generatorFloor(r: Pick<OpenLoopResult, 'sendLag'>, calibration: CalibrationResult | null): GeneratorFloor {
  const lag = {} as Record<FloorPercentile, number>;
  const floor = {} as Record<FloorPercentile, number>;
  for (const [key, p] of Object.entries(FLOOR_PERCENTILES) as [FloorPercentile, number][]) {
    lag[key] = r.sendLag.valueAt(p);
    const jitter = calibration && calibration.requests > 0 ? Math.max(0, calibration.latency_us[key] - calibration.latency_us.p50) : 0;
    floor[key] = lag[key] + jitter;
  }
  return { send_lag_us: lag, calibration, floor_us: floor };
}

// Write atomically (temp file in the same folder, then rename) so the harness never reads half a file.
export function writeGeneratorMetrics(file: string, metrics: GeneratorMetrics): void {
  writeJsonAtomic(file, metrics);
}

// A generator's last act: the metrics file for the harness, the summary line for its log.
export function publishGeneratorMetrics(file: string, metrics: GeneratorMetrics): void {
  writeGeneratorMetrics(file, metrics);
  process.stdout.write(`${formatSummaryLine(metrics)}\n`);
}

// The one-line human summary a generator prints at the end.
export function formatSummaryLine(m: GeneratorMetrics): string {
  const l = m.latency_us;
  return (
    `${m.generator}: offered ${m.offered_rps} req/s, achieved ${m.achieved_rps} req/s, sent ${m.sent}, ` +
    `completed ${m.completed}, errors ${m.errors}, timeouts ${m.timeouts}; latency us p50 ${l.p50} p99 ${l.p99} ` +
    `p99.9 ${l.p999} max ${l.max}; saturated ${m.saturated ? 'YES' : 'no'}`
  );
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
