import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { bootstrapInterval } from './bootstrap.ts';
import { RobustConfidenceSequence } from './confidence-sequence.ts';
import type { ChangeVerdict, OverheadVerdict } from './margin-verdict.ts';
import { armKey, PrecisionController } from './precision-controller.ts';
import { DifferenceSeries } from './precision-series.ts';
import { studentTQuantile } from './student-t.ts';

// Simulations behind docs/precision.md's figures: test/stats/precision-simulation.test.ts checks
// them at 10,000 sequences, `bench/precision.ts` prints them at any size. Pure and seeded.

/** Noise of one run, as a relative error: normal spread plus rare runs far too high. */
export interface NoiseModel {
  /** Relative standard deviation of an ordinary run (0.018 = 1.8 %). */
  spread: number;
  /** Share of outlier runs. */
  outlierRate: number;
  /** An outlier run is (1 + U(low, high)) times its ordinary value. */
  outlierLow: number;
  outlierHigh: number;
}

/** Identical kv runs at 6,000 req/s on the reference machine (issue 27): 1.8 %, 10 % of runs ~35 % high. */
export const MEASURED_NOISE: NoiseModel = { spread: 0.018, outlierRate: 0.1, outlierLow: 0.25, outlierHigh: 0.45 };
/** The same spread without outliers: the case where the old bootstrap already under-covers. */
export const NORMAL_NOISE: NoiseModel = { ...MEASURED_NOISE, outlierRate: 0 };

/** Seeded draws of one run's log error under a noise model. */
export function runNoise(seed: number, noise: NoiseModel): () => number {
  const rng = xoroshiro128plus(seed);
  const u = (): number => uniformFloat64(rng);
  return () => {
    const normal = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    const outlier = u() < noise.outlierRate ? Math.log1p(noise.outlierLow + (noise.outlierHigh - noise.outlierLow) * u()) : 0;
    return noise.spread * normal + outlier;
  };
}

export interface CoverageOptions {
  sequences: number;
  blocks: number;
  /** True overhead, percent. */
  truePercent: number;
  noise: NoiseModel;
  seed: number;
  confidence?: number;
  clip?: number;
  /** Compute the intervals (and their median half-widths); false only tracks whether the truth was
   * ever excluded, O(1) per block — the same event, see ConfidenceSequenceOptions.watch. @default false */
  widths?: boolean;
}

/** Time-uniform coverage: the share of sequences whose interval held the truth at every block. */
export interface CoverageFigures {
  sequences: number;
  blocks: number;
  coverage: number;
  /** Median achieved half-width (pp) at block counts 10, 20, 30, … up to `blocks` (with `widths`). */
  medianHalfWidth: Record<number, number>;
}

// Simulate paired blocks (baseline and mode, each with run noise) and check the robust confidence
// sequence at every block: one miss anywhere counts the sequence as not covered. Covering at every
// block at once is what makes any stopping rule safe.
export function simulateCoverage(o: CoverageOptions): CoverageFigures {
  const draw = runNoise(o.seed, o.noise);
  const theta = Math.log1p(o.truePercent / 100);
  const checkpoints = o.widths ? Array.from({ length: Math.floor(o.blocks / 10) }, (_, i) => (i + 1) * 10) : [];
  const widths = new Map(checkpoints.map((n) => [n, new Float64Array(o.sequences)]));
  let covered = 0;
  for (let s = 0; s < o.sequences; s++) {
    const cs = new RobustConfidenceSequence({ confidence: o.confidence ?? 0.95, ...(o.clip ? { clip: o.clip } : {}), watch: theta, bounds: o.widths ?? false });
    let hit = true;
    for (let n = 1; n <= o.blocks; n++) {
      const iv = cs.push(theta + draw() - draw());
      if (!o.widths) continue;
      if (iv.low > theta || iv.high < theta) hit = false;
      const w = widths.get(n);
      if (w) w[s] = (Math.exp(iv.high) - Math.exp(iv.low)) * 50;
    }
    if (o.widths ? hit : !cs.excludedWatch()) covered += 1;
  }
  const medianHalfWidth: Record<number, number> = {};
  for (const [n, w] of widths) medianHalfWidth[n] = w.sort()[Math.floor(o.sequences / 2)]!;
  return { sequences: o.sequences, blocks: o.blocks, coverage: covered / o.sequences, medianHalfWidth };
}

export interface StopRuleOptions {
  sequences: number;
  truePercent: number;
  /** Margin, percent. */
  margin: number;
  question: 'cost' | 'change';
  /** Half-width target, pp. */
  halfWidth: number;
  minRepetitions: number;
  maxRepetitions: number;
  noise: NoiseModel;
  seed: number;
}

export interface StopRuleFigures {
  sequences: number;
  verdicts: Partial<Record<OverheadVerdict | ChangeVerdict, number>>;
  /** Verdicts that the truth contradicts, and their share of all sequences. */
  falseVerdicts: number;
  falseRate: number;
  /** Share of sequences whose interval at the stopping block held the truth. */
  coverageAtStop: number;
  meanBlocks: number;
  maxBlocksUsed: number;
}

// Whether a verdict is wrong for a true change of `truth` percent against `margin`.
export function isFalseVerdict(verdict: OverheadVerdict | ChangeVerdict, truth: number, margin: number): boolean {
  switch (verdict) {
    case 'costs-more':
    case 'regressed':
      return truth <= margin;
    case 'costs-at-most':
      return truth > margin;
    case 'improved':
      return truth >= -margin;
    case 'no-change':
      return Math.abs(truth) > margin;
    case 'inconclusive':
      return false;
  }
}

// Run the PrecisionController's stop rule on simulated blocks, deciding after every block, and
// count the verdicts at the stop.
export function simulateStopRule(o: StopRuleOptions): StopRuleFigures {
  const draw = runNoise(o.seed, o.noise);
  const ratio = 1 + o.truePercent / 100;
  const verdicts: StopRuleFigures['verdicts'] = {};
  let falseVerdicts = 0;
  let covered = 0;
  let blocks = 0;
  let maxBlocksUsed = 0;
  for (let s = 0; s < o.sequences; s++) {
    const controller = new PrecisionController({
      targets: [{ metric: 'server_cpu_us_per_req', of: 'overhead', halfWidth: o.halfWidth, margin: o.margin, question: o.question }],
      minRepetitions: o.minRepetitions,
      maxRepetitions: o.maxRepetitions,
    });
    for (let rep = 1; ; rep++) {
      const baseline = 100 * Math.exp(draw());
      const mode = 100 * ratio * Math.exp(draw());
      controller.addBlock({ repetition: rep, seconds: 1, modes: { baseline: { server_cpu_us_per_req: baseline }, observer: { server_cpu_us_per_req: mode } } });
      if (controller.decide().action === 'stop') break;
    }
    const r = controller.results()[0]!;
    const v = r.verdict ?? 'inconclusive';
    verdicts[v] = (verdicts[v] ?? 0) + 1;
    if (isFalseVerdict(v, o.truePercent, o.margin)) falseVerdicts += 1;
    if (r.interval.low <= o.truePercent && o.truePercent <= r.interval.high) covered += 1;
    blocks += r.blocks;
    maxBlocksUsed = Math.max(maxBlocksUsed, r.blocks);
  }
  return { sequences: o.sequences, verdicts, falseVerdicts, falseRate: falseVerdicts / o.sequences, coverageAtStop: covered / o.sequences, meanBlocks: blocks / o.sequences, maxBlocksUsed };
}

export interface FixedIntervalOptions {
  sequences: number;
  blocks: number;
  truePercent: number;
  noise: NoiseModel;
  seed: number;
  /** Bootstrap resamples per sequence. @default 1000 */
  resamples?: number;
}

// Coverage of the intervals printed before issue 27, at a fixed block count: the percentile
// bootstrap of the mean log ratio (stats/overhead.ts) and a Student t interval on the same blocks.
export function simulateFixedIntervals(o: FixedIntervalOptions): { bootstrap: number; t: number } {
  const draw = runNoise(o.seed, o.noise);
  const theta = Math.log1p(o.truePercent / 100);
  const q = studentTQuantile(0.975, o.blocks - 1);
  let boot = 0;
  let t = 0;
  for (let s = 0; s < o.sequences; s++) {
    const d = Array.from({ length: o.blocks }, () => theta + draw() - draw());
    const b = bootstrapInterval(d, { statistic: 'mean', resamples: o.resamples ?? 1000, seed: s + 1 });
    if (b.low !== null && b.low <= theta && theta <= b.high) boot += 1;
    const mean = d.reduce((a, x) => a + x, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (d.length - 1));
    if (Math.abs(mean - theta) <= (q * sd) / Math.sqrt(d.length)) t += 1;
  }
  return { bootstrap: boot / o.sequences, t: t / o.sequences };
}

// What peeking does to a fixed-n method: a t interval re-checked after every block from 3 to
// maxBlocks, stopping at the first decided margin verdict — the share of false verdicts.
export function simulatePeekingT(o: Omit<StopRuleOptions, 'halfWidth' | 'minRepetitions' | 'question'>): number {
  const draw = runNoise(o.seed, o.noise);
  const theta = Math.log1p(o.truePercent / 100);
  const quantiles = Array.from({ length: o.maxRepetitions }, (_, n) => (n >= 2 ? studentTQuantile(0.975, n) : Infinity));
  let wrong = 0;
  for (let s = 0; s < o.sequences; s++) {
    let sum = 0;
    let sumSq = 0;
    for (let n = 1; n <= o.maxRepetitions; n++) {
      const d = theta + draw() - draw();
      sum += d;
      sumSq += d * d;
      if (n < 3) continue;
      const mean = sum / n;
      const half = (quantiles[n - 1]! * Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)))) / Math.sqrt(n);
      const low = Math.expm1(mean - half) * 100;
      const high = Math.expm1(mean + half) * 100;
      const verdict: OverheadVerdict | null = high <= o.margin ? 'costs-at-most' : low > o.margin ? 'costs-more' : null;
      if (verdict) {
        if (isFalseVerdict(verdict, o.truePercent, o.margin)) wrong += 1;
        break;
      }
    }
  }
  return wrong / o.sequences;
}

export interface DifferenceCoverageOptions {
  sequences: number;
  blocks: number;
  /** The reference level's value (e.g. CPU per request at D = 0, µs). */
  reference: number;
  /** The true difference (the injected cost D, same units). */
  difference: number;
  noise: NoiseModel;
  seed: number;
  confidence?: number;
}

/** Time-uniform coverage of of: difference intervals, with their median relative half-width. */
export interface DifferenceCoverageFigures {
  sequences: number;
  blocks: number;
  /** Share of sequences whose interval held the true difference at every block. */
  coverage: number;
  /** Median achieved half-width, percent of the estimate, after the last block. */
  medianHalfWidth: number;
  /** Median estimate ÷ true difference after the last block. */
  medianRecovered: number;
}

// Blocks of a reference level x and a level x + D, each run with its own noise, fed to the
// controller's of: difference series (change and reference-level sequences at α/2 each); one
// block whose interval misses D counts the sequence as not covered.
export function simulateDifferenceCoverage(o: DifferenceCoverageOptions): DifferenceCoverageFigures {
  const draw = runNoise(o.seed, o.noise);
  const metric = 'server_cpu_us_per_req';
  const widths = new Float64Array(o.sequences);
  const recovered = new Float64Array(o.sequences);
  let covered = 0;
  for (let s = 0; s < o.sequences; s++) {
    const series = new DifferenceSeries({ metric, of: 'difference', halfWidth: 10, against: { param: 'injected_us', level: '0' } }, 'baseline', 'D', o.confidence ?? 0.95, 'injected_us');
    let hit = true;
    for (let n = 1; n <= o.blocks; n++) {
      const ref = o.reference * Math.exp(draw());
      const level = (o.reference + o.difference) * Math.exp(draw());
      series.add(n, Math.log(level / ref), Math.log(ref));
      const st = series.status();
      if (st.interval.low > o.difference || st.interval.high < o.difference) hit = false;
      if (n === o.blocks) {
        widths[s] = st.achievedHalfWidth;
        recovered[s] = st.estimate / o.difference;
      }
    }
    if (hit) covered += 1;
  }
  const median = (xs: Float64Array): number => xs.sort()[Math.floor(o.sequences / 2)]!;
  return { sequences: o.sequences, blocks: o.blocks, coverage: covered / o.sequences, medianHalfWidth: median(widths), medianRecovered: median(recovered) };
}

export interface StopArmsOptions {
  sequences: number;
  /** The reference level's value (CPU per request at D = 0, µs). */
  reference: number;
  /** The injected differences, one arm each (the fidelity suite: 5, 20, 50). */
  differences: number[];
  halfWidth: number;
  maxRepetitions: number;
  noise: NoiseModel;
  seed: number;
  stopArms: 'together' | 'each';
}

/** Per injected D: share of sequences whose final interval holds D, and whose estimate is within ±halfWidth % of D. */
export interface StopArmsFigures {
  sequences: number;
  coverage: Record<string, number>;
  within: Record<string, number>;
  /** Mean runs measured per sequence (every level of every block measured, skipped ones not). */
  meanRuns: number;
  /** Mean blocks until the rule stopped. */
  meanBlocks: number;
}

// The fidelity suite's stop rule with its arms: blocks of the reference level and every D, runs of
// settled arms left out as the runner leaves them out (stop_arms: each), deciding after every block.
export function simulateStopArms(o: StopArmsOptions): StopArmsFigures {
  const draw = runNoise(o.seed, o.noise);
  const metric = 'server_cpu_us_per_req';
  const levels = [0, ...o.differences];
  const coverage: Record<string, number> = Object.create(null) as Record<string, number>;
  const within: Record<string, number> = Object.create(null) as Record<string, number>;
  let runs = 0;
  let blocks = 0;
  for (let s = 0; s < o.sequences; s++) {
    const controller = new PrecisionController({
      targets: [{ metric, of: 'difference', halfWidth: o.halfWidth, against: { param: 'injected_us', level: '0' } }],
      maxRepetitions: o.maxRepetitions,
      axis: 'injected_us',
      stopArms: o.stopArms,
    });
    for (let rep = 1; ; rep++) {
      const settled = controller.settledArms();
      const modes: Record<string, Record<string, number>> = {};
      for (const d of levels) {
        const key = armKey('baseline', String(d));
        // Every level's noise is drawn, measured or not, so both settings see the same runs.
        const value = (o.reference + d) * Math.exp(draw());
        if (!settled.has(key)) modes[key] = { [metric]: value };
      }
      runs += Object.keys(modes).length;
      controller.addBlock({ repetition: rep, seconds: Object.keys(modes).length, runs: Object.keys(modes).length, modes });
      if (controller.decide().action === 'stop') {
        blocks += rep;
        break;
      }
    }
    for (const r of controller.results()) {
      const d = Number(r.level);
      if (r.interval.low <= d && d <= r.interval.high) coverage[r.level!] = (coverage[r.level!] ?? 0) + 1;
      if (Math.abs(r.estimate / d - 1) * 100 <= o.halfWidth) within[r.level!] = (within[r.level!] ?? 0) + 1;
    }
  }
  const share = (counts: Record<string, number>): Record<string, number> => Object.fromEntries(o.differences.map((d) => [String(d), (counts[String(d)] ?? 0) / o.sequences]));
  return { sequences: o.sequences, coverage: share(coverage), within: share(within), meanRuns: runs / o.sequences, meanBlocks: blocks / o.sequences };
}
