import { mean, sampleStandardDeviation } from 'simple-statistics';
import { studentTQuantile } from './student-t.ts';

/** One repetition block: a metric with the known cost injected and without (same repetition). */
export interface InjectionPair {
  reference: number;
  injected: number;
}

export interface RecoveryEstimate {
  blocks: number;
  /** Mean over blocks of injected − reference, in the metric's unit. */
  delta: number;
  /** Student-t interval of `delta` over blocks; null below 2 blocks. */
  interval: { low: number; high: number; confidence: number } | null;
  /** Per-block differences, in block order. */
  deltas: number[];
  reason?: string;
}

// How much of a known injected cost a metric recovers: the mean paired difference (injected run minus
// the same repetition's reference run) with a Student-t interval over blocks. Differences, not ratios:
// the injected cost is an absolute amount (µs per request), so the recovered amount is compared to it.
// Student-t, not a bootstrap: with the 5 blocks a suite has, a percentile bootstrap of a mean is too
// narrow (it cannot know the spread it has not resampled) and covers D well below 95 % of the time.
export function estimateRecovery(pairs: readonly InjectionPair[], opts: { confidence?: number } = {}): RecoveryEstimate {
  if (pairs.length === 0) throw new RangeError('estimateRecovery: needs at least one repetition block');
  const deltas = pairs.map((p) => p.injected - p.reference);
  if (!deltas.every(Number.isFinite)) throw new RangeError('estimateRecovery: values must be finite');
  const confidence = opts.confidence ?? 0.95;
  const base = { blocks: pairs.length, delta: mean(deltas), deltas };
  if (deltas.length < 2) return { ...base, interval: null, reason: 'an interval of the mean needs n >= 2 repetition blocks' };
  const half = (studentTQuantile(0.5 + confidence / 2, deltas.length - 1) * sampleStandardDeviation(deltas)) / Math.sqrt(deltas.length);
  return { ...base, interval: { low: base.delta - half, high: base.delta + half, confidence } };
}
