import { RobustConfidenceSequence, DEFAULT_CLIP } from './confidence-sequence.ts';
import { decideChange, decideOverhead, halfWidth, percentInterval, type ChangeVerdict, type OverheadVerdict, type PercentInterval } from './margin-verdict.ts';
import { findOutliers } from './outliers.ts';

/** What a precision target measures: a mode's overhead against baseline, a mutation's change against
 * the unpatched base (same mode, same block), or a mode's value itself. */
export type TargetOf = 'overhead' | 'change' | 'value';

/** Whether a target's series is a percent change (overhead, change) rather than a value. */
export const isRelative = (of: TargetOf): boolean => of !== 'value';

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
}

/** Where a tracked series stands: its target met, its verdict decided, or neither yet. */
export type SeriesStatus = 'met' | 'decided' | 'pending';

/** A target's state for one mode after the blocks read so far. */
export interface SeriesState {
  metric: string;
  of: TargetOf;
  mode: string;
  /** The mutation (git patch) this series measures, when its block spans a mutation axis; null otherwise. */
  mutation: string | null;
  target: number;
  blocks: number;
  /** Overhead, change: percent (+ = costs / worse); value: the metric's robust location, in its units. NaN before data. */
  estimate: number;
  /** Overhead, change: percent interval; value: interval in the metric's units. ±Infinity: not bounded yet. */
  interval: PercentInterval;
  /** Overhead, change: percentage points; value: percent of the estimate. Infinity: not bounded yet. */
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

// One (target, arm) stream: log ratios (overhead, change) or log values (value) fed to a robust sequence.
export class PrecisionSeries {
  private readonly sequence: RobustConfidenceSequence;
  private readonly repetitions: number[] = [];
  private readonly logs: number[] = [];
  private readonly missing: number[] = [];

  constructor(
    readonly target: PrecisionTarget,
    readonly mode: string,
    readonly mutation: string | null,
    confidence: number,
  ) {
    this.sequence = new RobustConfidenceSequence({ confidence, clip: target.clip ?? DEFAULT_CLIP });
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
      mutation: this.mutation,
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
