// Holm–Bonferroni step-down adjustment. Sorted ascending, p₍ᵢ₎ becomes (m − i + 1)·p₍ᵢ₎ (1-based i),
// made monotone by a running maximum and capped at 1; returned in the original order, so
// adjusted[i] <= alpha is exactly Holm's rejection of hypothesis i at family-wise level alpha.
export function holmAdjust(pValues: readonly number[]): number[] {
  const bad = pValues.findIndex((p) => !(p >= 0 && p <= 1));
  if (bad >= 0) throw new RangeError(`holmAdjust: p-value at index ${bad} is not in [0, 1] (${pValues[bad]})`);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach((index, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
