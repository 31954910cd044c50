/** 1-based ranks of the order statistics that bound a quantile; null: the sample cannot bound that side. */
export interface QuantileRanks {
  low: number | null;
  high: number | null;
  /** The coverage the two ranks actually give (≥ the confidence asked when both are bounded). */
  coverage: number;
}

/**
 * Distribution-free confidence interval of the q-quantile from n samples (order statistics): the
 * number of samples at or below the true quantile is Binomial(n, q), so [X_(low), X_(high)] covers it
 * with the binomial probability of low ≤ B < high. Exact binomial, computed around the mode in a
 * window wide enough that what lies outside is negligible (any n). A side is null when even the
 * extreme sample does not bound it at this confidence (e.g. p99.9 from 500 samples has no upper bound).
 */
export function quantileRanks(n: number, q: number, confidence = 0.95): QuantileRanks {
  if (!(n >= 1) || !(q > 0 && q < 1)) return { low: null, high: null, coverage: 0 };
  const alpha = 1 - confidence;
  const { from, cdf } = binomialCdf(n, q);
  const at = (k: number): number => (k < from ? 0 : k >= from + cdf.length ? 1 : cdf[k - from]!);
  // low: one more than the largest j with P(B ≤ j) ≤ α/2; high: one more than the smallest j with P(B ≤ j) ≥ 1 − α/2.
  let j = from - 1;
  while (j + 1 <= n && at(j + 1) <= alpha / 2) j++;
  const low = j >= 0 ? j + 1 : null;
  let h = Math.max(j, from);
  while (h < n && at(h) < 1 - alpha / 2) h++;
  const high = h + 1 <= n ? h + 1 : null;
  const coverage = at((high ?? n + 1) - 1) - at((low ?? 0) - 1);
  return { low, high, coverage };
}

// P(B ≤ k) for k in [from, from + cdf.length), B ~ Binomial(n, q); outside that window the mass is < 1e-15.
function binomialCdf(n: number, q: number): { from: number; cdf: number[] } {
  const mode = Math.min(n, Math.floor((n + 1) * q));
  const ratioUp = q / (1 - q);
  const up: number[] = [1];
  for (let k = mode; k < n; k++) {
    const next = up[up.length - 1]! * ((n - k) / (k + 1)) * ratioUp;
    if (next < 1e-18) break;
    up.push(next);
  }
  const down: number[] = [];
  let term = 1;
  for (let k = mode; k > 0; k--) {
    term = term * (k / (n - k + 1)) / ratioUp;
    if (term < 1e-18) break;
    down.push(term);
  }
  const pmf = [...down.reverse(), ...up];
  const total = pmf.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let run = 0;
  for (const p of pmf) cdf.push((run += p / total));
  return { from: mode - down.length, cdf };
}
