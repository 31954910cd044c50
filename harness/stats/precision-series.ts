import { RobustConfidenceSequence, DEFAULT_CLIP } from './confidence-sequence.ts';
import { decideChange, decideOverhead, halfWidth, percentInterval, type ChangeVerdict, type OverheadVerdict, type PercentInterval } from './margin-verdict.ts';
import { findOutliers } from './outliers.ts';

/** What a precision target measures: a mode's overhead against baseline, a level's change against
 * the reference level of its axis (a mutation against the unpatched base, or a parameter value against
 * `against:`; same mode, same block), the same as a difference in the metric's units, or a mode's value itself. */
export type TargetOf = 'overhead' | 'change' | 'difference' | 'value';

/** Whether a target's series is a percent change (overhead, change) rather than a value (value, difference). */
export const isRelative = (of: TargetOf): boolean => of === 'overhead' || of === 'change';

/** One precision target (descriptor `precision.targets[]`, resolved). */
export interface PrecisionTarget {
  metric: string;
  of: TargetOf;
  /** Wanted half-width: percentage points of overhead (of: overhead) or percent of the value (of: value). */
  halfWidth: number;
  /** Practical margin in percent (of: overhead or change): see `question`. */
  margin?: number;
  /** 'cost': "costs at most / more than margin %" (an observer against baseline); 'change': "no change
   * within ±margin %", "regressed", "improved" (a candidate against a base). @default 'change' for
   * of: change, else 'cost' */
  question?: 'cost' | 'change';
  /** Clip bound of the robust sequence, log units. @default DEFAULT_CLIP */
  clip?: number;
  /** The reference level a change or difference is taken against (of: change, difference): a parameter
   * and its value. @default { param: 'mutation', level: 'base' } */
  against?: { param: string; level: string };
}

/** Where a tracked series stands: its target met, its verdict decided, or neither yet. */
export type SeriesStatus = 'met' | 'decided' | 'pending';

/** A target's state for one mode after the blocks read so far. */
export interface SeriesState {
  metric: string;
  of: TargetOf;
  mode: string;
  /** The parameter a block spans (`mutation` on a mutations axis, or a change target's `against:`
   * parameter), and this series' level of it; null when the block is the modes of one variant. */
  axis: string | null;
  level: string | null;
  target: number;
  blocks: number;
  /** Overhead, change: percent (+ = costs / worse); value: the metric's robust location, difference:
   * this level's minus the reference level's, both in the metric's units. NaN before data. */
  estimate: number;
  /** Overhead, change: percent interval; value, difference: interval in the metric's units. ±Infinity: not bounded yet. */
  interval: PercentInterval;
  /** Overhead, change: percentage points; value, difference: percent of the estimate. Infinity: not bounded yet. */
  achievedHalfWidth: number;
  margin: number | null;
  verdict: OverheadVerdict | ChangeVerdict | null;
  verdictText: string | null;
  status: SeriesStatus;
  /** Repetitions where a value was missing (failed run, no baseline, value ≤ 0): not used. */
  missingRepetitions: number[];
  /** Repetitions whose log value is an outlier (modified z > 3.5 over the series); kept, their pull capped. */
  outlierRepetitions: number[];
  /** Repetitions whose residual from the estimate exceeds the clip bound. */
  clippedRepetitions: number[];
}

/** A tracked (target, arm) series: what the controller feeds and asks. */
export interface TrackedSeries {
  readonly target: PrecisionTarget;
  readonly mode: string;
  readonly level: string | null;
  /** Add a block: `log` is ln(cost ratio) or ln(value); `reference` the reference level's ln(value) (of: difference). */
  add(repetition: number, log: number | null, reference?: number | null): void;
  status(): Omit<SeriesState, 'missingRepetitions' | 'outlierRepetitions' | 'clippedRepetitions'>;
  state(): SeriesState;
}

// One (target, arm) stream: log ratios (overhead, change) or log values (value) fed to a robust sequence.
export class PrecisionSeries implements TrackedSeries {
  private readonly sequence: RobustConfidenceSequence;
  private readonly repetitions: number[] = [];
  private readonly logs: number[] = [];
  private readonly missing: number[] = [];

  constructor(
    readonly target: PrecisionTarget,
    readonly mode: string,
    readonly level: string | null,
    confidence: number,
    readonly axis: string | null = level === null ? null : 'mutation',
  ) {
    this.sequence = new RobustConfidenceSequence({ confidence, clip: target.clip ?? DEFAULT_CLIP });
  }

  /** The sequence's interval and estimate, log units. */
  logInterval(): { n: number; low: number; high: number; estimate: number } {
    return this.sequence.interval();
  }

  /** Add a block: `log` is ln(cost ratio) or ln(value); null when the block has no usable value. */
  add(repetition: number, log: number | null): void {
    if (log === null || !Number.isFinite(log)) {
      this.missing.push(repetition);
      return;
    }
    this.repetitions.push(repetition);
    this.logs.push(log);
    this.sequence.push(log);
  }

  /** Where the series stands, without the outlier lists (cheap: the stop rule calls it after every block). */
  status(): Omit<SeriesState, 'missingRepetitions' | 'outlierRepetitions' | 'clippedRepetitions'> {
    const { target } = this;
    const log = this.sequence.interval();
    const overhead = isRelative(target.of);
    const interval = overhead ? percentInterval(log) : { low: Math.exp(log.low), high: Math.exp(log.high) };
    const estimate = overhead ? Math.expm1(log.estimate) * 100 : Math.exp(log.estimate);
    const width = overhead ? halfWidth(interval) : (halfWidth(interval) / estimate) * 100;
    const achievedHalfWidth = Number.isNaN(width) ? Infinity : width;
    const margin = overhead && target.margin !== undefined ? target.margin : null;
    const decide = (target.question ?? (target.of === 'change' ? 'change' : 'cost')) === 'change' ? decideChange : decideOverhead;
    const decided = margin === null || log.n === 0 ? null : decide(interval, margin);
    const met = achievedHalfWidth <= target.halfWidth;
    const status: SeriesStatus = met ? 'met' : decided && decided.verdict !== 'inconclusive' ? 'decided' : 'pending';
    return {
      metric: target.metric,
      of: target.of,
      mode: this.mode,
      axis: this.axis,
      level: this.level,
      target: target.halfWidth,
      blocks: log.n,
      estimate,
      interval,
      achievedHalfWidth,
      margin,
      verdict: decided?.verdict ?? null,
      verdictText: decided?.text ?? null,
      status,
    };
  }

  /** The full state, with missing, outlier and clipped repetitions. */
  state(): SeriesState {
    const pick = (idx: number[]): number[] => idx.map((i) => this.repetitions[i]!);
    return {
      ...this.status(),
      missingRepetitions: [...this.missing],
      outlierRepetitions: this.logs.length >= 3 ? pick(findOutliers(this.logs)) : [],
      clippedRepetitions: pick(this.sequence.clippedIndices()),
    };
  }
}

// of: difference — this level's value minus the reference level's, in the metric's units, as
// D = x_ref · (e^θ − 1): θ the robust location of the per-block log ratio level/reference (a change
// sequence) and x_ref the reference level's robust location (a value sequence). Each sequence runs at
// confidence 1 − α/2, so both hold at every block at once with probability ≥ 1 − α (union bound) and
// the interval is D's range over the two: valid under stopping after any block, like the others.
// Achieved half-width: percent of |D| (a relative precision, as of: value).
export class DifferenceSeries implements TrackedSeries {
  private readonly change: PrecisionSeries;
  private readonly reference: PrecisionSeries;

  constructor(
    readonly target: PrecisionTarget,
    readonly mode: string,
    readonly level: string | null,
    confidence: number,
    readonly axis: string | null,
  ) {
    const half = 1 - (1 - confidence) / 2;
    this.change = new PrecisionSeries({ ...target, of: 'change', halfWidth: Infinity }, mode, level, half, axis);
    this.reference = new PrecisionSeries({ ...target, of: 'value', halfWidth: Infinity }, mode, target.against?.level ?? null, half, axis);
  }

  add(repetition: number, log: number | null, reference: number | null = null): void {
    this.change.add(repetition, log);
    this.reference.add(repetition, reference);
  }

  status(): Omit<SeriesState, 'missingRepetitions' | 'outlierRepetitions' | 'clippedRepetitions'> {
    const theta = this.change.logInterval();
    const ref = this.reference.logInterval();
    const estimate = theta.n === 0 || ref.n === 0 ? Number.NaN : Math.exp(ref.estimate) * Math.expm1(theta.estimate);
    const interval = differenceInterval({ low: theta.low, high: theta.high }, { low: Math.exp(ref.low), high: Math.exp(ref.high) });
    const width = (halfWidth(interval) / Math.abs(estimate)) * 100;
    const achievedHalfWidth = Number.isFinite(width) ? width : Infinity;
    return {
      metric: this.target.metric,
      of: 'difference',
      mode: this.mode,
      axis: this.axis,
      level: this.level,
      target: this.target.halfWidth,
      blocks: theta.n,
      estimate,
      interval,
      achievedHalfWidth,
      margin: null,
      verdict: null,
      verdictText: null,
      status: achievedHalfWidth <= this.target.halfWidth ? 'met' : 'pending',
    };
  }

  state(): SeriesState {
    const change = this.change.state();
    return { ...this.status(), missingRepetitions: change.missingRepetitions, outlierRepetitions: change.outlierRepetitions, clippedRepetitions: change.clippedRepetitions };
  }
}

/**
 * The range of x · (e^θ − 1) over θ ∈ [θlo, θhi] (log units) and x ∈ [xlo, xhi] (x > 0): e^θ − 1 is
 * increasing in θ, and x · y is increasing in x for y ≥ 0 and decreasing for y < 0. ±Infinity where
 * either interval is not bounded yet.
 */
export function differenceInterval(theta: { low: number; high: number }, x: { low: number; high: number }): PercentInterval {
  const yLow = Math.expm1(theta.low);
  const yHigh = Math.expm1(theta.high);
  const times = (a: number, b: number, fallback: number): number => {
    const v = a * b;
    return Number.isNaN(v) ? fallback : v;
  };
  const low = times(yLow >= 0 ? x.low : x.high, yLow, -Infinity);
  const high = times(yHigh >= 0 ? x.high : x.low, yHigh, Infinity);
  return { low, high };
}
