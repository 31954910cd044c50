import { SeededRandom } from './prng.ts';

export const ARRIVALS = ['constant', 'poisson'] as const;
export type Arrival = (typeof ARRIVALS)[number];

/** One planned request: its intended send time (ms after the run's start) and whether it is measured. */
export interface PlannedRequest {
  offsetMs: number;
  measured: boolean;
}

export interface ArrivalPlanOptions {
  rate: number;
  warmupS: number;
  durationS: number;
  arrival: Arrival;
  seed: number;
}

/**
 * Intended send times, generated lazily in order. Warm-up [0, W) and measurement [W, W+D) each get
 * exactly round(rate × length) requests: `constant` spaces them evenly; `poisson` is a Poisson process
 * conditioned on that count (sorted uniform arrivals), so achieved-vs-offered comparisons are not
 * blurred by the ±1/√n count noise of an unconditioned Poisson process.
 */
export class ArrivalPlan {
  readonly warmupCount: number;
  readonly measuredCount: number;
  private readonly rng: SeededRandom;
  private index = 0;
  // Position in [0, 1) of the previous arrival within the current segment (sorted-uniform recursion).
  private segmentPos = 0;

  constructor(private readonly opts: ArrivalPlanOptions) {
    this.warmupCount = Math.round(opts.rate * opts.warmupS);
    this.measuredCount = Math.round(opts.rate * opts.durationS);
    this.rng = new SeededRandom(opts.seed);
  }

  /** Intended send times handed out so far. */
  get produced(): number {
    return this.index;
  }

  get total(): number {
    return this.warmupCount + this.measuredCount;
  }

  // The next request, or undefined when the plan is exhausted.
  next(): PlannedRequest | undefined {
    const measured = this.index >= this.warmupCount;
    const offsetMs = this.nextOffsetMs();
    return Number.isNaN(offsetMs) ? undefined : { offsetMs, measured };
  }

  /**
   * The next request's intended send time (ms after the run's start), NaN when the plan is exhausted:
   * the scheduler's allocation-free form of `next()`. Request i is measured when i ≥ `warmupCount`.
   */
  nextOffsetMs(): number {
    const i = this.index;
    if (i >= this.total) return Number.NaN;
    this.index++;
    const measured = i >= this.warmupCount;
    const k = measured ? i - this.warmupCount : i; // index within the segment
    const n = measured ? this.measuredCount : this.warmupCount;
    const startMs = measured ? this.opts.warmupS * 1000 : 0;
    const lengthMs = (measured ? this.opts.durationS : this.opts.warmupS) * 1000;
    if (k === 0) this.segmentPos = 0;
    const pos = this.opts.arrival === 'constant' ? k / n : this.nextSortedUniform(n - k);
    return startMs + pos * lengthMs;
  }

  // Next of n sorted uniforms: U(k+1) = 1 − (1 − U(k))·V^(1/remaining), V ~ U(0, 1].
  private nextSortedUniform(remaining: number): number {
    const v = this.rng.floatOpenZero();
    this.segmentPos = 1 - (1 - this.segmentPos) * Math.pow(v, 1 / remaining);
    return Math.min(this.segmentPos, 1 - Number.EPSILON);
  }
}
