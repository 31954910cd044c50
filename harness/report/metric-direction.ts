import type { Direction } from '../stats/index.ts';

// Which way is better for a metric: throughput and completions up, latency, errors and cost down.
export function metricDirection(metric: string, overrides: Record<string, Direction> = {}): Direction {
  if (overrides[metric]) return overrides[metric];
  return /(_rps|_per_s|^completed|throughput)/.test(metric) ? 'higher-is-better' : 'lower-is-better';
}

/** Metrics the overhead of a mode is computed for (when present). */
export const OVERHEAD_METRICS = ['throughput_rps', 'p50_us', 'p99_us', 'server_cpu_us_per_req', 'capacity_rps'];

/** Metrics that describe the run rather than its performance. */
export const NON_PERFORMANCE_METRICS = new Set(['saturated', 'offered_rps', 'sent_rps']);
