import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

// Seeded standard-normal draws (Box–Muller) so simulation tests are reproducible.
export function seededNormal(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => {
    const u1 = 1 - uniformFloat64(rng);
    const u2 = uniformFloat64(rng);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}
