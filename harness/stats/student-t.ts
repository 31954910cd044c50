import { gammaln } from 'simple-statistics';

// Density of Student's t with `df` degrees of freedom.
function density(x: number, df: number): number {
  const logC = gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((x * x) / df));
}

// P(T ≤ x) for x ≥ 0: ½ plus the density integrated over [0, x] (composite Simpson, 2,000 panels:
// the density is smooth, so this is exact to ~1e-10 over the range quantiles need).
function cdfNonNegative(x: number, df: number): number {
  const n = 2000;
  const h = x / n;
  let sum = density(0, df) + density(x, df);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * density(i * h, df);
  return 0.5 + (sum * h) / 3;
}

// The p-quantile (p in (0.5, 1)) of Student's t with `df` degrees of freedom, by bisection of the CDF.
// simple-statistics has the t statistic but no quantile; this is the one the mean's interval needs.
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df >= 1)) throw new RangeError(`studentTQuantile: needs 0.5 < p < 1 and df ≥ 1 (got p ${p}, df ${df})`);
  let lo = 0;
  let hi = 1;
  while (cdfNonNegative(hi, df) < p) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdfNonNegative(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
