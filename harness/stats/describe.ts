import { max, mean, median, medianAbsoluteDeviation, min, sampleStandardDeviation } from 'simple-statistics';
import { assertFiniteSample } from './check-sample.ts';

export interface SampleSummary {
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation (divisor n − 1); NaN when n < 2. */
  stdev: number;
  min: number;
  max: number;
  /** Coefficient of variation stdev / |mean|; NaN when n < 2 or the mean is 0. */
  cv: number;
  /** Raw median absolute deviation, median(|x − median|), not scaled by 1.4826. */
  mad: number;
}

// Descriptive statistics of one sample of repetitions; throws on an empty or non-finite sample.
export function describeSample(xs: readonly number[]): SampleSummary {
  assertFiniteSample(xs, 'describeSample');
  const m = mean(xs);
  const stdev = xs.length < 2 ? Number.NaN : sampleStandardDeviation(xs);
  return {
    n: xs.length,
    mean: m,
    median: median(xs),
    stdev,
    min: min(xs),
    max: max(xs),
    cv: m === 0 ? Number.NaN : stdev / Math.abs(m),
    mad: medianAbsoluteDeviation(xs),
  };
}
