// Anytime-valid confidence sequence for a robust location of a stream of log values (paired
// per-block log ratios, or log values of one metric): valid at every block at once, so a caller
// may look after each block and stop whenever it likes (optional stopping).
//
// Method (docs/precision.md): a betting confidence sequence (Waudby-Smith & Ramdas, "Estimating
// means of bounded random variables by betting", JRSS-B 2024, §4: hedged capital process with the
// predictable plug-in bets "PrPl") applied to Huberized residuals Y_i(m) = clip(d_i − m, −c, c),
// with the clip bound c fixed before any data is seen. For the true location m* (the zero of
// E[clip(d − m, −c, c)], the Huber location), each Y_i(m*) has mean 0 and lies in [−c, c], so
//   K⁺_n(m) = Π (1 + λ_i Y_i(m))   and   K⁻_n(m) = Π (1 − λ_i Y_i(m))
// with predictable λ_i ∈ [0, 1/c) are nonnegative martingales at m = m*; by Ville's inequality
// P(∃n: K^±_n(m*) ≥ 2/α) ≤ α/2 each, so {m : K⁺_n(m) < 2/α and K⁻_n(m) < 2/α} holds m* at every n
// at once with probability ≥ 1 − α. Y_i(m) is nonincreasing in m, so K⁺ falls and K⁻ rises with
// m and each set is an interval, found by bisection; the running intersection stays valid.
// Paired log ratios d = θ + e_mode − e_base with e_mode, e_base drawn alike are symmetric about θ,
// so the Huber location is θ itself (the overhead), whatever the tails; outliers can move each Y
// by at most c, which is what keeps the width bounded when ~10 % of runs are 35 % high.

/** Options of a RobustConfidenceSequence. */
export interface ConfidenceSequenceOptions {
  /** Two-sided confidence level in (0, 1). @default 0.95 */
  confidence?: number;
  /** Clip bound c on residuals, in log units, chosen before the data (0.03 ≈ 3 %: about 1.2 × the
   * spread of a paired CPU-per-request log ratio on the reference machine). @default 0.03 */
  clip?: number;
  /** Largest bet as a fraction of 1/c (WSR 2024 truncate at 1/2 or 3/4). @default 0.75 */
  maxBet?: number;
  /** Also keep log K^±(watch) up to date in O(1) per value: `excludedWatch()` then says, without
   * any bound search, whether the sequence has ever excluded `watch` (simulations of coverage). */
  watch?: number;
  /** Compute the interval after each value; false leaves it (−∞, ∞) and only tracks `watch`. @default true */
  bounds?: boolean;
}

/** The sequence's state after n values, in log units. Bounds are ±Infinity until the data can bound m. */
export interface LogInterval {
  n: number;
  low: number;
  high: number;
  /** Huber M-estimate: the zero of Σ clip(d_i − m, −c, c) (NaN before any value). */
  estimate: number;
}

/** Bracket width (log units) and |f| at which a zero is accepted: far below any reported digit. */
const TOLERANCE = 1e-9;
const VALUE_TOLERANCE = 1e-7;

/** Default clip bound c, log units (see ConfidenceSequenceOptions.clip). */
export const DEFAULT_CLIP = 0.03;

/** A nonincreasing function's value and derivative at a point. */
interface Point {
  value: number;
  slope: number;
}
/** A nonincreasing function; it may return the same (reused) Point object on every call. */
type Decreasing = (m: number) => Point;

// Zero of a nonincreasing f on [lo, hi] with f(lo) ≥ 0 > f(hi): Newton steps kept inside the
// bracket, bisection when a step leaves it (f is piecewise smooth: Newton converges in a few steps).
// The point whose |f| is within tolerance is the answer: moving on from it (a Newton step that lands
// on the bracket's end falls back to the midpoint) would return a point up to half the bracket away.
function findZero(f: Decreasing, lo: number, hi: number, start = (lo + hi) / 2): number {
  let m = start > lo && start < hi ? start : (lo + hi) / 2;
  for (let k = 0; k < 200 && hi - lo > TOLERANCE; k++) {
    const { value, slope } = f(m);
    if (Math.abs(value) < VALUE_TOLERANCE) return m;
    if (value >= 0) lo = m;
    else hi = m;
    const step = slope < 0 ? m - value / slope : Number.NaN;
    m = step > lo && step < hi ? step : (lo + hi) / 2;
  }
  return m;
}

// Robust (Huberized) betting confidence sequence; push values one block at a time.
export class RobustConfidenceSequence {
  readonly confidence: number;
  readonly clip: number;
  readonly maxBet: number;
  private readonly threshold: number;
  private readonly values: number[] = [];
  private readonly bets: number[] = [];
  // log(1 ± bet_i c): the factor of a value whose residual is clipped, computed once.
  private readonly logUp: number[] = [];
  private readonly logDown: number[] = [];
  private readonly watch: number | undefined;
  private readonly bounds: boolean;
  private watchPlus = 0;
  private watchMinus = 0;
  private watchExcluded = false;
  // Reused result of the functions below: no allocation per evaluation (simulations call them millions of times).
  private readonly point: Point = { value: 0, slope: 0 };
  // log K⁺ − log(2/α): falls with m; the lower bound is its zero.
  private readonly plus: Decreasing = (m) => this.logCapital(m, 1, -this.threshold, 1);
  // log(2/α) − log K⁻: falls with m; the upper bound is its zero.
  private readonly minus: Decreasing = (m) => this.logCapital(m, -1, this.threshold, -1);
  // Σ clip(d_i − m, −c, c): falls with m; the Huber estimate is its zero.
  private readonly score: Decreasing = (m) => {
    const c = this.clip;
    let value = 0;
    let inside = 0;
    for (let i = 0; i < this.values.length; i++) {
      const r = this.values[i]! - m;
      value += r > c ? c : r < -c ? -c : r;
      if (r > -c && r < c) inside += 1;
    }
    this.point.value = value;
    this.point.slope = -inside;
    return this.point;
  };
  private readonly sorted: number[] = [];
  private sumSquares: number;
  private low = -Infinity;
  private high = Infinity;
  /** Huber estimate of the values so far; NaN: not computed since the last push. */
  private cachedEstimate = Number.NaN;
  private lastEstimate = Number.NaN;

  constructor(options: ConfidenceSequenceOptions = {}) {
    const { confidence = 0.95, clip = DEFAULT_CLIP, maxBet = 0.75, watch, bounds = true } = options;
    if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
    if (!(clip > 0 && Number.isFinite(clip))) throw new RangeError(`clip must be a positive number (log units), got ${clip}`);
    if (!(maxBet > 0 && maxBet < 1)) throw new RangeError(`maxBet must be in (0, 1), got ${maxBet}`);
    this.confidence = confidence;
    this.clip = clip;
    this.maxBet = maxBet;
    this.watch = watch;
    this.bounds = bounds;
    // One-sided level α/2 for each of K⁺ and K⁻.
    this.threshold = Math.log(2 / (1 - confidence));
    // WSR's variance estimate starts from the largest variance of the bounded variable ([−c, c]: c²).
    this.sumSquares = clip * clip;
  }

  get n(): number {
    return this.values.length;
  }

  // Predictable plug-in bet (WSR 2024 eq. 26): sqrt(2 log(2/α) / (σ̂²_{i−1} i log(1 + i))), truncated.
  private nextBet(): number {
    const i = this.values.length + 1;
    const variance = this.sumSquares / i;
    const bet = Math.sqrt((2 * this.threshold) / (variance * i * Math.log(1 + i)));
    return Math.min(bet, this.maxBet / this.clip);
  }

  // offset + scale × log K^sign_n(m), and its derivative in m (see the header), into this.point.
  private logCapital(m: number, sign: 1 | -1, offset: number, scale: 1 | -1): Point {
    const c = this.clip;
    let value = 0;
    let slope = 0;
    const atHigh = sign === 1 ? this.logUp : this.logDown;
    const atLow = sign === 1 ? this.logDown : this.logUp;
    for (let i = 0; i < this.values.length; i++) {
      const r = this.values[i]! - m;
      if (r >= c) value += atHigh[i]!;
      else if (r <= -c) value += atLow[i]!;
      else {
        const bet = sign * this.bets[i]!;
        const factor = 1 + bet * r;
        value += Math.log(factor);
        slope -= bet / factor;
      }
    }
    this.point.value = offset + scale * value;
    this.point.slope = scale * slope;
    return this.point;
  }

  /** Add the next block's value (a log ratio or a log value) and update the interval. */
  push(value: number): Omit<LogInterval, 'estimate'> {
    if (!Number.isFinite(value)) throw new RangeError(`RobustConfidenceSequence: values must be finite, got ${value}`);
    const bet = this.nextBet();
    this.bets.push(bet);
    this.logUp.push(Math.log1p(bet * this.clip));
    this.logDown.push(Math.log1p(-bet * this.clip));
    this.values.push(value);
    if (this.watch !== undefined) {
      const y = Math.max(-this.clip, Math.min(this.clip, value - this.watch));
      this.watchPlus += Math.log1p(bet * y);
      this.watchMinus += Math.log1p(-bet * y);
      if (this.watchPlus >= this.threshold || this.watchMinus >= this.threshold) this.watchExcluded = true;
    }
    const at = this.sorted.findIndex((x) => x > value);
    this.sorted.splice(at < 0 ? this.sorted.length : at, 0, value);
    // Residual around the running median, clipped: feeds the next bet's variance estimate only.
    const r = value - this.median();
    const clipped = Math.max(-this.clip, Math.min(this.clip, r));
    this.sumSquares += clipped * clipped;
    if (this.bounds) this.updateBounds();
    this.cachedEstimate = Number.NaN;
    return { n: this.values.length, low: this.low, high: this.high };
  }

  private median(): number {
    const s = this.sorted;
    const k = s.length >> 1;
    return s.length % 2 === 1 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
  }

  private updateBounds(): void {
    const c = this.clip;
    const lo = this.sorted[0]! - c;
    const hi = this.sorted[this.sorted.length - 1]! + c;
    // Lower bound: where K⁺ (falling in m) drops below 2/α. Only a raise of the running bound matters.
    const from = Math.max(lo, this.low);
    if (from < hi && this.plus(from).value >= 0) this.low = findZero(this.plus, from, hi, this.low);
    // Upper bound: where K⁻ (rising in m) reaches 2/α.
    const to = Math.min(hi, this.high);
    if (to > lo && this.minus(to).value < 0) this.high = findZero(this.minus, lo, to, this.high);
  }

  /** Whether the sequence has excluded `watch` at any value so far (see ConfidenceSequenceOptions.watch). */
  excludedWatch(): boolean {
    if (this.watch === undefined) throw new RangeError('excludedWatch: the sequence was built without `watch`');
    return this.watchExcluded;
  }

  /** The running-intersection interval (log units) and the Huber estimate. */
  interval(): LogInterval {
    return { n: this.values.length, low: this.low, high: this.high, estimate: this.estimate() };
  }

  /** Huber M-estimate of the location with this sequence's clip bound. */
  estimate(): number {
    if (this.values.length === 0) return Number.NaN;
    if (!Number.isNaN(this.cachedEstimate)) return this.cachedEstimate;
    const c = this.clip;
    // Warm start from the previous estimate: one block moves it little, Newton needs a step or two.
    const m = findZero(this.score, this.sorted[0]! - c, this.sorted[this.sorted.length - 1]! + c, this.lastEstimate);
    this.cachedEstimate = m;
    this.lastEstimate = m;
    return m;
  }

  /** Values whose residual from the estimate exceeds the clip bound: their pull was capped at c. */
  clippedIndices(): number[] {
    const m = this.estimate();
    const out: number[] = [];
    this.values.forEach((v, i) => {
      if (Math.abs(v - m) > this.clip) out.push(i);
    });
    return out;
  }
}
