import type { SeededRandom } from './prng.ts';

export const KEY_DISTS = ['uniform', 'zipfian'] as const;
export type KeyDist = (typeof KEY_DISTS)[number];

/** Picks key indexes in [0, keys). */
export interface KeyChooser {
  next(): number;
}

// Uniform over the keyspace, or Zipf(s) by rank: index 0 is the hottest key.
export function createKeyChooser(dist: KeyDist, keys: number, rng: SeededRandom, zipfS = 0.99): KeyChooser {
  if (dist === 'uniform') return { next: () => rng.int(keys) };
  return new ZipfianChooser(keys, zipfS, rng);
}

/**
 * Exact Zipf sampling by inverse CDF (binary search over a precomputed table, 8 bytes per key),
 * valid for any exponent s > 0 including s = 1, unlike the YCSB closed-form approximation.
 */
export class ZipfianChooser implements KeyChooser {
  private readonly cdf: Float64Array;

  constructor(
    keys: number,
    readonly s: number,
    private readonly rng: SeededRandom,
  ) {
    this.cdf = new Float64Array(keys);
    let sum = 0;
    for (let i = 0; i < keys; i++) {
      sum += Math.pow(i + 1, -s);
      this.cdf[i] = sum;
    }
    for (let i = 0; i < keys; i++) this.cdf[i]! /= sum;
    this.cdf[keys - 1] = 1;
  }

  // Probability of rank `i` (0-based), for tests and reports.
  probability(i: number): number {
    return this.cdf[i]! - (i === 0 ? 0 : this.cdf[i - 1]!);
  }

  next(): number {
    const u = this.rng.float();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
