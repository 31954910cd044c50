import { mean } from 'simple-statistics';
import { bootstrapInterval, DEFAULT_SEED } from './bootstrap.ts';

/** One repetition block: a metric with the known cost injected and without (same repetition). */
export interface InjectionPair {
  reference: number;
  injected: number;
}

export interface RecoveryEstimate {
  blocks: number;
  /** Mean over blocks of injected − reference, in the metric's unit. */
  delta: number;
  /** Percentile-bootstrap interval of `delta` over blocks; null below 2 blocks. */
  interval: { low: number; high: number; confidence: number } | null;
  /** Per-block differences, in block order. */
  deltas: number[];
  reason?: string;
}

// How much of a known injected cost a metric recovers: the mean paired difference (injected run minus
// the same repetition's reference run) with a bootstrap interval over blocks. Differences, not ratios:
// the injected cost is an absolute amount (µs per request), so the recovered amount is compared to it.
export function estimateRecovery(pairs: readonly InjectionPair[], opts: { seed?: number; confidence?: number; resamples?: number } = {}): RecoveryEstimate {
  if (pairs.length === 0) throw new RangeError('estimateRecovery: needs at least one repetition block');
  const deltas = pairs.map((p) => p.injected - p.reference);
  if (!deltas.every(Number.isFinite)) throw new RangeError('estimateRecovery: values must be finite');
  const confidence = opts.confidence ?? 0.95;
  const boot = bootstrapInterval(deltas, { statistic: 'mean', seed: opts.seed ?? DEFAULT_SEED, resamples: opts.resamples ?? 2000, confidence });
  const base = { blocks: pairs.length, delta: mean(deltas), deltas };
  return boot.low === null ? { ...base, interval: null, reason: boot.reason } : { ...base, interval: { low: boot.low, high: boot.high, confidence } };
}
