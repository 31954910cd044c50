import { mean } from 'simple-statistics';
import { bootstrapInterval, DEFAULT_SEED } from './bootstrap.ts';
import type { Direction } from './direction.ts';

/** One repetition block: the same repetition's value under the baseline and under the mode. */
export interface BlockPair {
  baseline: number;
  mode: number;
}

export interface OverheadOptions {
  direction: Direction;
  /** Seed of the bootstrap over blocks. @default 1 */
  seed?: number;
  /** @default 2000 */
  resamples?: number;
  /** @default 0.95 */
  confidence?: number;
}

export interface OverheadResult {
  blocks: number;
  /** Geometric mean over blocks of the per-block cost ratio (see estimateOverhead). */
  ratio: number;
  /** (ratio − 1) × 100: positive = the mode costs something. */
  percent: number;
  /** Interval of `percent` from a percentile bootstrap of the mean log ratio over blocks; null when blocks < 2. */
  interval: { low: number; high: number; confidence: number; resamples: number; seed: number } | null;
  /** Why there is no interval. */
  reason?: string;
  /** Per-block ln(cost ratio), in block order. */
  logRatios: number[];
}

// Cost ratio of one block: > 1 means the mode is worse than the baseline in that block.
export function costRatio(pair: BlockPair, direction: Direction): number {
  return direction === 'higher-is-better' ? pair.baseline / pair.mode : pair.mode / pair.baseline;
}

// Overhead of a mode vs baseline from paired repetition blocks. Each block gives a cost ratio —
// mode/baseline for lower-is-better metrics (latency), baseline/mode for higher-is-better ones
// (throughput: 1000 → 900 rps is a cost of 1000/900 = 1.111, i.e. 11.1 %) — and the blocks are
// combined as a geometric mean, exp(mean ln ratio). Pairing within blocks cancels drift between
// repetitions; the log makes 2× slower and 2× faster symmetric.
export function estimateOverhead(pairs: readonly BlockPair[], options: OverheadOptions): OverheadResult {
  if (pairs.length === 0) throw new RangeError('estimateOverhead: needs at least one repetition block');
  pairs.forEach((p, i) => {
    if (!(Number.isFinite(p.baseline) && Number.isFinite(p.mode) && p.baseline > 0 && p.mode > 0)) {
      throw new RangeError(`estimateOverhead: block ${i} needs positive finite values (baseline ${p.baseline}, mode ${p.mode})`);
    }
  });
  const logRatios = pairs.map((p) => Math.log(costRatio(p, options.direction)));
  const ratio = Math.exp(mean(logRatios));
  const toPercent = (logMean: number): number => (Math.exp(logMean) - 1) * 100;
  const { seed = DEFAULT_SEED, resamples = 2000, confidence = 0.95 } = options;
  const boot = bootstrapInterval(logRatios, { statistic: 'mean', seed, resamples, confidence });
  const base = { blocks: pairs.length, ratio, percent: (ratio - 1) * 100, logRatios };
  if (boot.low === null) return { ...base, interval: null, reason: boot.reason };
  const interval = { low: toPercent(boot.low), high: toPercent(boot.high), confidence, resamples, seed };
  return { ...base, interval };
}

/** A measured value tagged with its repetition block. */
export interface BlockValue {
  repetition: number;
  value: number;
}

// Pair baseline and mode values by repetition; blocks missing either side are reported, not guessed.
export function pairByRepetition(
  baseline: readonly BlockValue[],
  mode: readonly BlockValue[],
): { pairs: BlockPair[]; repetitions: number[]; unpaired: number[] } {
  for (const [label, side] of [['baseline', baseline], ['mode', mode]] as const) {
    const seen = new Set<number>();
    for (const { repetition } of side) {
      if (seen.has(repetition)) throw new RangeError(`pairByRepetition: ${label} has repetition ${repetition} twice`);
      seen.add(repetition);
    }
  }
  const modeByRep = new Map(mode.map((m) => [m.repetition, m.value]));
  const baseReps = new Set(baseline.map((b) => b.repetition));
  const pairs: BlockPair[] = [];
  const repetitions: number[] = [];
  for (const b of [...baseline].sort((a, c) => a.repetition - c.repetition)) {
    const m = modeByRep.get(b.repetition);
    if (m === undefined) continue;
    pairs.push({ baseline: b.value, mode: m });
    repetitions.push(b.repetition);
  }
  const unpaired = [...baseReps, ...modeByRep.keys()]
    .filter((r) => !(baseReps.has(r) && modeByRep.has(r)))
    .sort((a, c) => a - c);
  return { pairs, repetitions, unpaired: [...new Set(unpaired)] };
}
