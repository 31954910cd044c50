import { mannWhitneyU } from './mann-whitney.ts';

/** One point of a run's fine timeline: seconds from the measurement start (negative: warm-up) and a value (p50 µs). */
export interface SeriesPoint {
  t_s: number;
  value: number;
}

export interface SteadyState {
  /** Truncation point MSER chose, seconds from the measurement start (≤ 0: inside the warm-up); null when never steady. */
  steady_from_s: number | null;
  /** The transient reaches into the measurement window significantly (see detectSteadyState). */
  transient_in_window: boolean;
  /** Why the run is not steady, in words (null when it is). */
  reason: string | null;
}

/** The transient's median must be at least this many times the steady part's to count. */
const TRANSIENT_FACTOR = 1.5;
const ALPHA = 0.01;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * When a run reaches steady state, from its fine timeline (warm-up and window). The truncation point
 * is MSER's (White 1997: the start d minimizing the squared standard error of the remaining mean,
 * Σ(x − x̄_d)² / (n − d)², searched over the first half). It only makes a run unsteady with evidence,
 * so a busy machine's single spike does not: the points before it inside the measurement window must
 * be at least 2, their median ≥ 1.5 × the rest's, and higher by a one-sided Mann–Whitney test at 1 %.
 * Never steady: what follows the truncation point still falls or rises that much between its two
 * halves (same test): a drift MSER alone does not see.
 */
export function detectSteadyState(points: readonly SeriesPoint[]): SteadyState {
  const xs = points.map((p) => p.value);
  const n = xs.length;
  if (n < 4) return { steady_from_s: points[0]?.t_s ?? null, transient_in_window: false, reason: null };
  const maxD = Math.floor(n / 2);
  let best = 0;
  let bestScore = Infinity;
  for (let d = 0; d <= maxD; d++) {
    const rest = xs.slice(d);
    const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
    const score = rest.reduce((a, x) => a + (x - mean) ** 2, 0) / rest.length ** 2;
    if (score < bestScore) {
      bestScore = score;
      best = d;
    }
  }
  const rest = xs.slice(best);
  const half = Math.floor(rest.length / 2);
  const [early, late] = [rest.slice(0, half), rest.slice(half)];
  if (differs(early, late)) {
    return { steady_from_s: null, transient_in_window: true, reason: `never reached steady state: the latency p50 still moved from ${Math.round(median(early))} to ${Math.round(median(late))} µs between the two halves of what follows its warm-up` };
  }
  const from = points[best]!.t_s;
  const inWindow = points.slice(0, best).filter((p) => p.t_s >= 0).map((p) => p.value);
  if (inWindow.length >= 2 && differs(inWindow, rest)) {
    return {
      steady_from_s: from,
      transient_in_window: true,
      reason: `not in steady state until ${from.toFixed(2)} s into the measurement window: the latency p50 was ${Math.round(median(inWindow))} µs before, ${Math.round(median(rest))} µs after (raise warmup_s by at least ${Math.ceil(from * 10) / 10} s)`,
    };
  }
  return { steady_from_s: from, transient_in_window: false, reason: null };
}

// Whether `a` sits clearly above or below `b`: medians 1.5× apart and a one-sided rank test at 1 %.
function differs(a: readonly number[], b: readonly number[]): boolean {
  if (a.length < 2 || b.length < 2) return false;
  const [ma, mb] = [median(a), median(b)];
  if (ma >= TRANSIENT_FACTOR * mb) return mannWhitneyU(a, b, { alternative: 'greater' }).p < ALPHA;
  if (mb >= TRANSIENT_FACTOR * ma) return mannWhitneyU(a, b, { alternative: 'less' }).p < ALPHA;
  return false;
}
