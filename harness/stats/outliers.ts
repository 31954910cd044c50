import { mean, median } from 'simple-statistics';
import { assertFiniteSample } from './check-sample.ts';

export interface OutlierOptions {
  /** Flag values whose |modified z-score| exceeds this. @default 3.5 (Iglewicz & Hoaglin) */
  threshold?: number;
}

// 0.6745 = Φ⁻¹(0.75): makes MAD comparable to a standard deviation for normal data.
const MAD_FACTOR = 0.6745;
// Fallback when MAD is 0 (more than half the values equal): scale by the mean absolute
// deviation instead, 1.253314 = sqrt(π/2) makes it comparable to a standard deviation.
const MEAN_AD_FACTOR = 1.253314;

// Modified z-scores 0.6745 (x − median) / MAD (Iglewicz & Hoaglin 1993); when MAD is 0 the
// mean absolute deviation stands in, and when every value is equal all scores are 0.
export function modifiedZScores(xs: readonly number[]): number[] {
  assertFiniteSample(xs, 'modifiedZScores');
  const med = median(xs);
  const deviations = xs.map((x) => Math.abs(x - med));
  const mad = median(deviations);
  if (mad > 0) return xs.map((x) => (MAD_FACTOR * (x - med)) / mad);
  const meanAd = mean(deviations);
  if (meanAd === 0) return xs.map(() => 0);
  return xs.map((x) => (x - med) / (MEAN_AD_FACTOR * meanAd));
}

// Indices (ascending) of values flagged as outliers by the modified z-score.
export function findOutliers(xs: readonly number[], options: OutlierOptions = {}): number[] {
  const { threshold = 3.5 } = options;
  const flagged: number[] = [];
  modifiedZScores(xs).forEach((z, i) => {
    if (Math.abs(z) > threshold) flagged.push(i);
  });
  return flagged;
}
