import type { PrecisionSpec } from '../config/schema/precision.ts';
import type { Bound, ValidityRules } from '../config/schema/suite.ts';

export type { Bound, ValidityRules };

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(4));

/** One reason a run is not a valid measurement; a disturbance is the host's doing, not the system's (measured again). */
export interface ValidityFinding {
  message: string;
  /**
   * The measurement was disturbed rather than the system under test failing it: the run never got
   * steady, a transient reached into the window, or the generator fell behind its schedule. Such a
   * run is measured again up to `validity.disturbed_retries` times (docs/measurement.md).
   */
  disturbance: boolean;
}

// Reasons a run's key metrics make it invalid (empty when it is a valid measurement).
export function validityProblems(metrics: Record<string, number>, rules: ValidityRules, hasClients: boolean): string[] {
  return validityFindings(metrics, rules, hasClients).map((f) => f.message);
}

// The same reasons, each saying whether it is a disturbance of the measurement.
export function validityFindings(metrics: Record<string, number>, rules: ValidityRules, hasClients: boolean): ValidityFinding[] {
  if (!hasClients) return [];
  const found: ValidityFinding[] = [];
  const rejected = (message: string): void => void found.push({ message, disturbance: false });
  const disturbed = (message: string): void => void found.push({ message, disturbance: true });
  const tput = metrics.throughput_rps;
  if (rules.require_throughput && !(typeof tput === 'number' && tput > 0)) {
    rejected(
      'no throughput: the clients reported no completed requests (metrics missing or throughput_rps = 0); each client writes generator-metrics JSON to metrics/<client>.json ' +
        '(harness/schemas/generator-metrics.schema.json), or declares a result adapter for its tool (`results: { adapter: … }`, docs/load-tools.md)',
    );
    return found;
  }
  const completed = metrics.completed ?? 0;
  // Requests dropped on purpose (a firewall deny) were answered: neither failures nor missing throughput.
  const dropped = metrics.dropped ?? 0;
  const bad = (metrics.errors ?? 0) + (metrics.timeouts ?? 0);
  const requests = completed + dropped + bad;
  if (requests > 0 && bad / requests > rules.max_error_ratio) {
    rejected(`errors and timeouts are ${fmt((100 * bad) / requests)} % of requests (${bad} of ${requests}; allowed ${fmt(rules.max_error_ratio * 100)} %)`);
  }
  const offered = metrics.offered_rps;
  if (typeof offered === 'number' && offered > 0 && typeof tput === 'number') {
    // achieved_rps counts completed requests; drops happened in the same window at completed's pace.
    const answered = completed > 0 ? (tput * (completed + dropped)) / completed : tput;
    if (answered / offered < rules.min_achieved_ratio) {
      const how = dropped > 0 ? `achieved ${fmt(tput)} rps plus ${fmt(answered - tput)} rps dropped on purpose` : `achieved ${fmt(tput)} rps`;
      rejected(`${how} is ${fmt((100 * answered) / offered)} % of the offered ${fmt(offered)} rps (minimum ${fmt(rules.min_achieved_ratio * 100)} %)`);
    }
  }
  // Warm-up by detection (docs/measurement-floor.md); the numbers in words are in run_result.json latency.steady_state.
  if (metrics.never_steady === 1) disturbed('never reached steady state: the latency p50 kept moving after the warm-up (run_result.json latency.steady_state)');
  const unsteady = metrics.unsteady_s;
  if (typeof unsteady === 'number' && unsteady > 0) disturbed(`not in steady state until ${unsteady.toFixed(2)} s into the measurement window: raise warmup_s by at least ${(Math.ceil(unsteady * 10) / 10).toFixed(1)} s (run_result.json latency.steady_state)`);
  if (rules.reject_saturated && metrics.saturated === 1) disturbed('the load generator could not keep up with its schedule (saturated): the offered load was not what the descriptor asked for');
  return found;
}

/** The load figures every run with clients should have; a run without them says so (docs/load-tools.md). */
export const LOAD_METRICS = ['throughput_rps', 'p50_us', 'p99_us'] as const;

// The load figures a run with clients lacks (none for a run without clients).
export function absentLoadMetrics(metrics: Record<string, number>, hasClients: boolean): string[] {
  return hasClients ? LOAD_METRICS.filter((m) => typeof metrics[m] !== 'number') : [];
}

// The warning for a run whose clients reported no such figures: a pass without load metrics is never silent.
export function absentMetricsWarning(absent: readonly string[], rules: ValidityRules): string | undefined {
  if (absent.length === 0) return undefined;
  const why = rules.require_throughput ? '' : '; it passes only because validity.require_throughput is false: its figures are CPU and observer costs, not load';
  return `absent metrics: ${absent.join(', ')} (the clients reported none${why}; each client's metrics \`unavailable\` lists what its tool cannot tell, docs/load-tools.md)`;
}

// Descriptor expectations (`expect: {p99_us: {max: 2000}}`) as messages for the ones not met.
export function unmetExpectations(values: Record<string, number | undefined>, expect: Record<string, Bound>): string[] {
  const out: string[] = [];
  for (const [metric, bound] of Object.entries(expect)) {
    const v = values[metric];
    if (v === undefined) {
      out.push(`expected ${metric} ${describeBound(bound)}, but the run reported no ${metric}`);
      continue;
    }
    if (bound.min !== undefined && v < bound.min) out.push(`expected ${metric} ≥ ${fmt(bound.min)}, got ${fmt(v)}`);
    if (bound.max !== undefined && v > bound.max) out.push(`expected ${metric} ≤ ${fmt(bound.max)}, got ${fmt(v)}`);
  }
  return out;
}

/** What a finished run is checked against. */
export interface RunChecks {
  validity: ValidityRules;
  expect: Record<string, Bound>;
  /** The workload's precision targets, recorded so the summary and merge replay the stop rule. */
  precision?: PrecisionSpec;
}

function describeBound(b: Bound): string {
  return [b.min !== undefined ? `≥ ${fmt(b.min)}` : '', b.max !== undefined ? `≤ ${fmt(b.max)}` : ''].filter(Boolean).join(' and ');
}
