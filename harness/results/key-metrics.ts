// Key figures from the generator-metrics JSON the clients write (format: generator-metrics-schema.ts,
// read by generator-metrics-reader.ts; docs/load-tools.md).
import type { GeneratorMetrics } from './generator-metrics-schema.ts';

type GeneratorMetricsLike = GeneratorMetrics;

/** A send lag p99 above this share of the latency p99 means the generator, not the server, set the tail. */
export const SEND_LAG_TAIL_SHARE = 0.1;

const LATENCY_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

// Key figures of a run across its clients: throughput and counts add up, latency takes the worst client.
export function keyMetricsFrom(metrics: readonly unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (key: string, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = (out[key] ?? 0) + v;
  };
  const worst = (key: string, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = Math.max(out[key] ?? -Infinity, v);
  };
  for (const raw of metrics) {
    if (!raw || typeof raw !== 'object') continue;
    const m = raw as GeneratorMetricsLike;
    add('throughput_rps', m.achieved_rps);
    add('offered_rps', m.offered_rps);
    add('completed', m.completed);
    add('errors', m.errors);
    add('timeouts', m.timeouts);
    add('dropped', m.dropped);
    if (m.saturated !== undefined) worst('saturated', m.saturated ? 1 : 0);
    for (const k of LATENCY_KEYS) worst(`${k}_us`, m.latency_us?.[k]);
    worst('send_lag_p99_us', m.schedule?.send_lag_us?.p99);
    // 1 when any client measured in a closed loop (docs/load-tools.md: no offered rate).
    if (m.load_model !== undefined) worst('closed_loop', m.load_model === 'closed' ? 1 : 0);
  }
  return out;
}

// Whether a run's key metrics say its generator's lateness is a large part of its latency tail.
export function sendLagSetTail(keyMetrics: Record<string, number>): boolean {
  const lag = keyMetrics.send_lag_p99_us;
  const p99 = keyMetrics.p99_us;
  return typeof lag === 'number' && typeof p99 === 'number' && p99 > 0 && lag > SEND_LAG_TAIL_SHARE * p99;
}

// One warning per client whose send lag p99 exceeds 10 % of its latency p99 (run_result.json warnings).
export function sendLagWarnings(metrics: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const raw of metrics) {
    if (!raw || typeof raw !== 'object') continue;
    const m = raw as GeneratorMetricsLike;
    const lag = m.schedule?.send_lag_us?.p99;
    const p99 = m.latency_us?.p99;
    if (typeof lag !== 'number' || typeof p99 !== 'number' || !(p99 > 0) || !(lag > SEND_LAG_TAIL_SHARE * p99)) continue;
    const share = Math.round((lag / p99) * 100);
    // A generator that says its collections ran with V8's helper threads: the one cause a descriptor fixes.
    const gcHint = m.schedule?.gc === 'parallel' ? '; it collected garbage with V8\'s helper threads: start it with `node --single-threaded-gc` (docs/measurement-floor.md "GC on the generator\'s main thread")' : '';
    out.push(
      `${m.generator ?? 'generator'}: send lag p99 ${lag} µs is ${share} % of latency p99 ${p99} µs (over ${SEND_LAG_TAIL_SHARE * 100} %): ` +
        `the generator, not the server, set the tail (a busy or slow load generator; see docs/measurement.md "Statistics")${gcHint}`,
    );
  }
  return out;
}

// One warning per closed-loop client (run_result.json warnings): what its figures cannot mean.
export function closedLoopWarnings(metrics: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const raw of metrics) {
    if (!raw || typeof raw !== 'object') continue;
    const m = raw as GeneratorMetricsLike;
    if (m.load_model !== 'closed') continue;
    out.push(
      `${m.generator ?? 'generator'}: closed loop (each connection waits for its reply): latency is under coordinated omission ` +
        '(a slow reply delays the requests behind it instead of showing in the tail), throughput is achieved, not offered, ' +
        'and the achieved-vs-offered check does not apply (docs/load-tools.md)',
    );
  }
  return out;
}
