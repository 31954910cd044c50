import type { RateSearchConfig } from '../config/schema/rate-search.ts';
import type { PlannedRun } from '../plan/run-types.ts';
import { RateSearchSchema } from '../config/schema/rate-search.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** A rate search this run cannot do: bad `rate_search` + `rate_scan.*` values, or remote clients. */
export class RateSearchConfigError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'RateSearchConfigError';
}

/** One probe's verdict: the figures it was judged on and, when it failed, why. */
export interface ProbeVerdict {
  ok: boolean;
  reasons: string[];
}

export interface BisectionStep {
  rate: number;
  ok: boolean;
}

export interface BisectionResult {
  /** Highest rate that passed; null when even min_rps failed. */
  capacity: number | null;
  /** The last bracket: capacity lies in [low, high) (high null when max_rps passed). */
  low: number | null;
  high: number | null;
  steps: BisectionStep[];
  /** Why the search stopped. */
  stop: 'below-range' | 'at-max' | 'resolution' | 'max-probes';
}

/** The bisection's bounds (the rest of RateSearchConfig is for judging probes). */
export type BisectionBounds = Pick<RateSearchConfig, 'min_rps' | 'max_rps' | 'max_probes' | 'resolution'>;

// The highest passing rate in [min_rps, max_rps] by bisection on a log scale (the geometric mean of
// the bracket, so a wide range costs log2(log(max/min)) probes, not log2(max − min)): min_rps first
// (nothing else matters if it fails), then max_rps, then halve the bracket until it is within
// `resolution` or the probes are spent. Assumes passing is monotonic in the rate.
export async function bisectCapacity(bounds: BisectionBounds, probe: (rate: number) => Promise<boolean>): Promise<BisectionResult> {
  const steps: BisectionStep[] = [];
  const run = async (rate: number): Promise<boolean> => {
    const ok = await probe(rate);
    steps.push({ rate, ok });
    return ok;
  };
  if (!(await run(bounds.min_rps))) return { capacity: null, low: null, high: bounds.min_rps, steps, stop: 'below-range' };
  if (!(await run(bounds.max_rps))) {
    let low = bounds.min_rps;
    let high = bounds.max_rps;
    while (high / low > 1 + bounds.resolution) {
      if (steps.length >= bounds.max_probes) return { capacity: low, low, high, steps, stop: 'max-probes' };
      const mid = Math.round(Math.sqrt(low * high));
      if (mid <= low || mid >= high) break;
      if (await run(mid)) low = mid;
      else high = mid;
    }
    return { capacity: low, low, high, steps, stop: 'resolution' };
  }
  return { capacity: bounds.max_rps, low: bounds.max_rps, high: null, steps, stop: 'at-max' };
}

/** Figures of one probe, from its clients' key metrics. */
export interface ProbeFigures {
  offered_rps: number;
  /**
   * What the generator actually sent per second (metrics `schedule.achieved_send_rps`). With Poisson
   * arrivals the last of N requests is due at N/rate ± √N/rate, so a 1-s probe's realised rate is
   * ±3 % off the nominal one: judged against it, "achieved ≥ 99 %" would be a coin toss.
   */
  sent_rps?: number;
  throughput_rps?: number;
  p99_us?: number;
  completed?: number;
  errors?: number;
  timeouts?: number;
  saturated?: number;
}

// Judge a probe: achieved ≥ min_achieved_ratio × offered, p99 within the SLO, few errors, a generator that kept up.
export function judgeProbe(f: ProbeFigures, cfg: RateSearchConfig): ProbeVerdict {
  const reasons: string[] = [];
  const achieved = f.throughput_rps ?? 0;
  const offered = f.sent_rps ?? f.offered_rps;
  if (achieved < cfg.min_achieved_ratio * offered) reasons.push(`achieved ${achieved} req/s < ${cfg.min_achieved_ratio * 100} % of offered ${offered}${f.sent_rps !== undefined ? ` (as sent; nominal ${f.offered_rps})` : ''}`);
  if (cfg.slo_p99_us !== undefined && !(typeof f.p99_us === 'number' && f.p99_us <= cfg.slo_p99_us)) reasons.push(`p99 ${f.p99_us ?? 'missing'} µs > SLO ${cfg.slo_p99_us} µs`);
  const bad = (f.errors ?? 0) + (f.timeouts ?? 0);
  const total = bad + (f.completed ?? 0);
  if (total > 0 && bad / total > cfg.max_error_ratio) reasons.push(`errors + timeouts ${bad} of ${total} requests`);
  if (f.saturated === 1) reasons.push('the generator could not keep to its schedule (saturated): the probe measured the generator, not the server');
  return { ok: reasons.length === 0, reasons };
}

/** Variant parameters that set the search (`rate_scan.max_rps: [4000, 8000]`), over the workload's `rate_search`. */
const PARAM_KEYS = ['min_rps', 'max_rps', 'max_probes', 'resolution', 'slo_p99_us', 'min_achieved_ratio'] as const;

// The run's rate search, or null when it runs one rate: the workload's `rate_search`, with the variant's
// `rate_scan.<key>` parameters over it (the seed's `rate_scan` group; other keys such as
// `rate_scan.samples_per_core` stay agent parameters, so capacity is found per sampling rate).
export function resolveRateSearch(run: Pick<PlannedRun, 'resolved' | 'variant'>): RateSearchConfig | null {
  const base = (run.resolved.config.workload as { rate_search?: RateSearchConfig }).rate_search;
  const fromParams: Record<string, number> = {};
  for (const k of PARAM_KEYS) {
    const v = run.variant.params[`rate_scan.${k}`];
    if (v !== undefined) fromParams[k] = Number(v);
  }
  if (!base && Object.keys(fromParams).length === 0) return null;
  const parsed = RateSearchSchema.safeParse({ ...base, ...fromParams });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'rate_search'}: ${i.message}`).join('; ');
    throw new RateSearchConfigError(`rate search of this run is not usable (workload rate_search + rate_scan.* parameters): ${problems}`);
  }
  return parsed.data;
}
