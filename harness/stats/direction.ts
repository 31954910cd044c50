/** Which way a metric improves. */
export type Direction = 'higher-is-better' | 'lower-is-better';

// The one table of which way each key metric is better: summary, compare, overhead and the run
// assessor (overhead_pct expectations) all read it. First matching row wins; a metric no row
// names is a cost (latency, errors, CPU per request): lower is better.
export const DIRECTION_RULES: readonly [RegExp, Direction][] = [
  [/_rps$/, 'higher-is-better'], // throughput_rps, capacity_rps, offered_rps
  [/_per_s$/, 'higher-is-better'],
  [/^completed$/, 'higher-is-better'],
  [/^throughput/, 'higher-is-better'],
  [/_cpu_pct$|_cpu_us_per_req$|_ctx_switches_per_req$/, 'lower-is-better'], // the cpu stage's costs (docs/measurement.md: CPU cost per request)
];

// Which way is better for a metric; `overrides` (e.g. compare's --direction) win over the table.
export function metricDirection(metric: string, overrides: Record<string, Direction> = {}): Direction {
  return overrides[metric] ?? DIRECTION_RULES.find(([pattern]) => pattern.test(metric))?.[1] ?? 'lower-is-better';
}

/** Metrics the overhead of a mode is computed for (when present). */
export const OVERHEAD_METRICS = ['throughput_rps', 'p50_us', 'p99_us', 'server_cpu_us_per_req', 'host_cpu_us_per_req', 'capacity_rps'];

/** Metrics that describe the run rather than its performance. */
export const NON_PERFORMANCE_METRICS = new Set(['saturated', 'offered_rps', 'sent_rps', 'closed_loop', 'unsteady_s', 'never_steady']);
