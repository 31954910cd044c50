import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mean, median, quantileSorted } from 'simple-statistics';
import { assertFiniteSample } from './check-sample.ts';

export type StatisticName = 'median' | 'mean';
export type Statistic = StatisticName | ((xs: readonly number[]) => number);

export interface BootstrapOptions {
  /** What to estimate. @default 'median' */
  statistic?: Statistic;
  /** Seed of the resampling generator (xoroshiro128+); same seed, same interval. @default 1 */
  seed?: number;
  /** Number of bootstrap resamples. @default 2000 */
  resamples?: number;
  /** Two-sided confidence level in (0, 1). @default 0.95 */
  confidence?: number;
}

interface IntervalInfo {
  method: 'percentile-bootstrap';
  /** The statistic on the original sample. */
  estimate: number;
  confidence: number;
  resamples: number;
  seed: number;
}

export type BootstrapInterval =
  | (IntervalInfo & { low: number; high: number; reason?: undefined })
  | (IntervalInfo & { low: null; high: null; reason: string });

export const DEFAULT_SEED = 1;

// The statistic as a function of a sample.
export function resolveStatistic(statistic: Statistic): (xs: readonly number[]) => number {
  if (statistic === 'median') return median;
  if (statistic === 'mean') return mean;
  return statistic;
}

// Percentile-bootstrap confidence interval of a statistic, deterministic for a given seed.
// Percentile intervals under-cover for very small n (3–5): treat them as a description of
// spread, not a guarantee (see warnings.ts for what a distribution-free interval needs).
export function bootstrapInterval(xs: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const { statistic = 'median', seed = DEFAULT_SEED, resamples = 2000, confidence = 0.95 } = options;
  assertFiniteSample(xs, 'bootstrapInterval');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  const stat = resolveStatistic(statistic);
  const info: IntervalInfo = { method: 'percentile-bootstrap', estimate: stat(xs), confidence, resamples, seed };
  if (xs.length < 2) {
    return { ...info, low: null, high: null, reason: `a bootstrap interval needs n >= 2 values, got n = ${xs.length}` };
  }
  const rng = xoroshiro128plus(seed);
  const draws = new Float64Array(resamples);
  const n = xs.length;
  // The median is the common case and the hot path of summaries: sort a typed array in place.
  const fastMedian = statistic === 'median';
  const resample = fastMedian ? new Float64Array(n) : new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    // next() gives 32 random bits; scaling to n (≤ a few thousand) has a bias below 1e-6.
    for (let i = 0; i < n; i++) resample[i] = xs[Math.floor(((rng.next() >>> 0) / 4294967296) * n)]!;
    if (fastMedian) {
      (resample as Float64Array).sort();
      draws[b] = n % 2 === 1 ? resample[(n - 1) / 2]! : (resample[n / 2 - 1]! + resample[n / 2]!) / 2;
    } else draws[b] = stat(resample as number[]);
  }
  const sorted = Array.from(draws).sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { ...info, low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}
