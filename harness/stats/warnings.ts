import { describeSample } from './describe.ts';
import { minExactPValue } from './mann-whitney.ts';
import { findOutliers } from './outliers.ts';

export type SampleWarning =
  | { kind: 'high-variation'; message: string; cv: number; threshold: number }
  | { kind: 'too-few-repetitions'; message: string; n: number; confidence: number; achievable: number; needed: number }
  | { kind: 'outliers'; message: string; indices: number[]; values: number[] }
  | { kind: 'too-few-for-test'; message: string; n1: number; n2: number; minP: number; alpha: number };

export interface SampleWarningOptions {
  /** Name of the sample in messages, e.g. "kv/perf/throughput_rps". @default 'sample' */
  label?: string;
  /** Warn when stdev/|mean| exceeds this. @default 0.1 */
  cvThreshold?: number;
  /** Confidence level the report asks for. @default 0.95 */
  confidence?: number;
  /** Modified z-score above which a value is an outlier. @default 3.5 */
  outlierThreshold?: number;
}

// Highest coverage a distribution-free interval for the median can have with n values: the
// interval [min, max] misses only when all n values fall on one side, so 1 − 2·0.5ⁿ.
export function medianIntervalCoverage(n: number): number {
  return n < 1 ? 0 : 1 - 2 * 0.5 ** n;
}

// Smallest n whose [min, max] covers the median with at least `confidence` (0.95 → 6).
export function minRepetitionsForMedianInterval(confidence: number): number {
  let n = 1;
  while (medianIntervalCoverage(n) < confidence) n++;
  return n;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

// Warnings about one sample of repetitions: high variation, too few values for the interval, outliers.
export function checkSample(xs: readonly number[], options: SampleWarningOptions = {}): SampleWarning[] {
  const { label = 'sample', cvThreshold = 0.1, confidence = 0.95, outlierThreshold = 3.5 } = options;
  const warnings: SampleWarning[] = [];
  const { n, cv } = describeSample(xs);
  if (cv > cvThreshold) {
    const message = `${label}: high variation, coefficient of variation ${pct(cv)} > ${pct(cvThreshold)}`;
    warnings.push({ kind: 'high-variation', message, cv, threshold: cvThreshold });
  }
  const achievable = medianIntervalCoverage(n);
  if (achievable < confidence) {
    const needed = minRepetitionsForMedianInterval(confidence);
    const message =
      `${label}: n = ${n} is too few for a ${pct(confidence)} interval: even the widest distribution-free ` +
      `interval for the median, [min, max], covers it with probability only 1 − 2·0.5^${n} = ${pct(achievable)}; ` +
      `needs n >= ${needed} (a bootstrap interval at this n under-covers and only describes spread)`;
    warnings.push({ kind: 'too-few-repetitions', message, n, confidence, achievable, needed });
  }
  if (n >= 3) {
    const indices = findOutliers(xs, { threshold: outlierThreshold });
    if (indices.length > 0) {
      const values = indices.map((i) => xs[i]!);
      const message = `${label}: ${indices.length} outlier(s) by modified z-score > ${outlierThreshold}: ${values.join(', ')}`;
      warnings.push({ kind: 'outliers', message, indices, values });
    }
  }
  return warnings;
}

// Warning when an exact one-sided rank test at these sizes can never reach alpha (n1 = n2 = 2 → p >= 1/6).
export function checkTestSizes(n1: number, n2: number, alpha = 0.05, label = 'comparison'): SampleWarning | null {
  const minP = minExactPValue(n1, n2);
  if (minP <= alpha) return null;
  const message =
    `${label}: too few repetitions for a test at alpha ${alpha}: with n1 = ${n1}, n2 = ${n2} the smallest ` +
    `exact one-sided p-value is 1/C(${n1 + n2}, ${n1}) = ${minP.toPrecision(3)}`;
  return { kind: 'too-few-for-test', message, n1, n2, minP, alpha };
}
