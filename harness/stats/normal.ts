import { errorFunction } from 'simple-statistics';

// P(Z >= z) for a standard normal Z (relative error about 1e-7, from simple-statistics' erf).
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  return 0.5 * (1 - errorFunction(z / Math.SQRT2));
}
