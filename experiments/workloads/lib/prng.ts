import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** A seeded random source (xoroshiro128+): the same seed gives the same run, on any machine. */
export class SeededRandom {
  private readonly rng: JumpableRandomGenerator;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  // Uniform in [0, 1).
  float(): number {
    return uniformFloat64(this.rng);
  }

  // Uniform in (0, 1]: safe to take a logarithm or a root of.
  floatOpenZero(): number {
    return 1 - uniformFloat64(this.rng);
  }

  // Uniform integer in [0, n).
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}

// An independent stream per purpose (arrivals, keys, operations) from one user seed (splitmix32 finaliser).
export function deriveSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) + Math.imul(stream + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) | 0;
}
