import { loadHdrHistogram } from '../util/lazy-module.ts';
import { quantileRanks } from '../stats/order-statistic.ts';
import { detectSteadyState } from '../stats/steady-state.ts';
import { ClientFloorSchema, type ClientFloor, type LatencySection, type PercentileVerdict, type SteadyStateVerdict } from './latency-floor-schema.ts';

/** A percentile whose generator floor is at least this share of its value is not measurable on this node. */
export const FLOOR_SHARE = 0.5;
const CONFIDENCE = 0.95;

/** The latency key metrics that get a verdict, with their percentile. */
export const VERDICT_PERCENTILES: Readonly<Record<string, { key: 'p50' | 'p90' | 'p95' | 'p99' | 'p999'; percentile: number; label: string }>> = {
  p50_us: { key: 'p50', percentile: 50, label: 'p50' },
  p90_us: { key: 'p90', percentile: 90, label: 'p90' },
  p95_us: { key: 'p95', percentile: 95, label: 'p95' },
  p99_us: { key: 'p99', percentile: 99, label: 'p99' },
  p999_us: { key: 'p999', percentile: 99.9, label: 'p99.9' },
};

interface ClientMetricsLike {
  generator?: string;
  latency_us?: Record<string, unknown>;
  histogram?: { data?: unknown };
  schedule?: { send_mode?: unknown };
  floor?: Omit<ClientFloor, 'client' | 'send_mode'>;
  steadiness?: { bucket_ms?: unknown; start_s?: unknown; p50_us?: unknown };
}

// The `latency` section from the clients' metrics (null when no client wrote a histogram): each
// percentile of the key metrics with its interval, its floor and its verdict, from the worst client.
export function latencySection(clients: readonly { name: string; metrics: unknown }[]): LatencySection | null {
  const percentiles: Record<string, PercentileVerdict> = {};
  const floors: ClientFloor[] = [];
  let steady: SteadyStateVerdict | null = null;
  for (const { name, metrics } of clients) {
    if (!metrics || typeof metrics !== 'object') continue;
    const m = metrics as ClientMetricsLike;
    const s = steadyStateOf(name, m.steadiness);
    if (s && (!steady || later(s, steady))) steady = s;
    // A floor that does not have the documented shape is left out (no verdict), never written half-checked.
    const parsed = m.floor ? ClientFloorSchema.safeParse({ client: name, send_mode: typeof m.schedule?.send_mode === 'string' ? m.schedule.send_mode : null, ...m.floor }) : undefined;
    const floor = parsed?.success ? parsed.data : undefined;
    if (floor) floors.push(floor);
    const data = m.histogram?.data;
    if (typeof data !== 'string') continue;
    for (const v of clientVerdicts(name, data, m.latency_us ?? {}, floor?.floor_us)) {
      const worst = percentiles[v.metric];
      if (!worst || v.verdict.value_us > worst.value_us) percentiles[v.metric] = v.verdict;
    }
  }
  if (Object.keys(percentiles).length === 0 && floors.length === 0 && !steady) return null;
  return { floor_share: FLOOR_SHARE, confidence: CONFIDENCE, percentiles, clients: floors, steady_state: steady };
}

// A client's steady-state verdict from its `steadiness` series (buckets with no completion left out).
function steadyStateOf(client: string, s: ClientMetricsLike['steadiness']): SteadyStateVerdict | null {
  if (!s || typeof s.bucket_ms !== 'number' || !(s.bucket_ms > 0) || typeof s.start_s !== 'number' || !Array.isArray(s.p50_us)) return null;
  const { bucket_ms: bucketMs, start_s: startS } = s;
  const points = s.p50_us.flatMap((v: unknown, i) => (typeof v === 'number' && v > 0 ? [{ t_s: Number((startS + (i * bucketMs) / 1000).toFixed(3)), value: v }] : []));
  return { client, bucket_ms: bucketMs, points: points.length, ...detectSteadyState(points) };
}

// Whether verdict a is worse than b: never steady, then a transient in the window, then the later start.
function later(a: SteadyStateVerdict, b: SteadyStateVerdict): boolean {
  const rank = (v: SteadyStateVerdict): number => (v.steady_from_s === null ? 2 : v.transient_in_window ? 1 : 0);
  return rank(a) !== rank(b) ? rank(a) > rank(b) : (a.steady_from_s ?? 0) > (b.steady_from_s ?? 0);
}

/** The key metrics a steady-state verdict adds, judged by results/validity.ts: `unsteady_s`, `never_steady`. */
export function steadyStateMetrics(section: LatencySection | null): Record<string, number> {
  const s = section?.steady_state;
  if (!s || !s.transient_in_window) return {};
  return s.steady_from_s === null ? { never_steady: 1 } : { unsteady_s: s.steady_from_s };
}

function clientVerdicts(client: string, base64: string, latency: Record<string, unknown>, floor: Record<string, number> | undefined): { metric: string; verdict: PercentileVerdict }[] {
  let h;
  try {
    h = loadHdrHistogram().decodeFromCompressedBase64(base64, 32, false);
  } catch {
    return []; // a histogram that does not decode gives no interval; the key metrics still stand
  }
  try {
    const n = h.totalCount;
    const valueAtRank = (rank: number): number => Math.min(h.getValueAtPercentile((100 * (rank - 0.5)) / n), h.maxValue);
    return Object.entries(VERDICT_PERCENTILES).flatMap(([metric, p]) => {
      const value = latency[p.key];
      if (typeof value !== 'number' || n === 0) return [];
      const ranks = quantileRanks(n, p.percentile / 100, CONFIDENCE);
      const f = floor?.[p.key];
      const floorUs = typeof f === 'number' ? f : null;
      const measurable = floorUs === null || !(floorUs >= FLOOR_SHARE * value);
      return [{
        metric,
        verdict: {
          percentile: p.percentile,
          value_us: value,
          client,
          samples: n,
          ci95: { low: ranks.low === null ? null : valueAtRank(ranks.low), high: ranks.high === null ? null : valueAtRank(ranks.high) },
          floor_us: floorUs,
          measurable,
          reason: measurable ? null : notMeasurableReason(p.label, floorUs!, value),
        },
      }];
    });
  } finally {
    h.destroy();
  }
}

// "p99.9 not measurable on this node: the generator's floor is 2.7 ms (value 3.1 ms)".
export function notMeasurableReason(label: string, floorUs: number, valueUs: number): string {
  return `${label} not measurable on this node: the generator's floor is ${formatUs(floorUs)} (value ${formatUs(valueUs)}; floor ≥ ${FLOOR_SHARE * 100} % of it)`;
}

function formatUs(us: number): string {
  return us >= 1000 ? `${Number((us / 1000).toPrecision(2))} ms` : `${Math.round(us)} µs`;
}

/** The verdicts that say a key metric is not measurable, by metric (the summary and overhead rows read it). */
export function unmeasurable(section: LatencySection | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [metric, v] of Object.entries(section?.percentiles ?? {})) if (!v.measurable && v.reason) out.set(metric, v.reason);
  return out;
}
