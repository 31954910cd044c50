// Input checks shared by the statistics modules: fail loudly, naming the sample and the bad value.

// Throw a RangeError unless `xs` holds at least `minLength` finite numbers.
export function assertFiniteSample(xs: readonly number[], label: string, minLength = 1): void {
  if (xs.length < minLength) {
    throw new RangeError(`${label}: needs at least ${minLength} value(s), got ${xs.length}`);
  }
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`${label}: value at index ${bad} is not a finite number (${xs[bad]})`);
}

// Throw a RangeError unless every value is finite and > 0 (ratios and logs need it).
export function assertPositiveSample(xs: readonly number[], label: string, minLength = 1): void {
  assertFiniteSample(xs, label, minLength);
  const bad = xs.findIndex((x) => x <= 0);
  if (bad >= 0) throw new RangeError(`${label}: value at index ${bad} must be > 0 for a ratio (got ${xs[bad]})`);
}
