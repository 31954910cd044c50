import { describe, expect, it } from 'vitest';
import { ZipfianChooser, createKeyChooser } from '../../../experiments/workloads/lib/key-chooser.ts';
import { SeededRandom } from '../../../experiments/workloads/lib/prng.ts';

describe('key choosers', () => {
  it('uniform stays in range and covers the keyspace', () => {
    const c = createKeyChooser('uniform', 10, new SeededRandom(1));
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(c.next());
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('zipfian draws rank r with probability r^-s / H(n, s)', () => {
    const n = 1000;
    const z = new ZipfianChooser(n, 0.99, new SeededRandom(3));
    let h = 0;
    for (let r = 1; r <= n; r++) h += r ** -0.99;
    expect(z.probability(0)).toBeCloseTo(1 / h, 9);
    const counts = new Array<number>(n).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[z.next()]!++;
    expect(counts[0]! / draws).toBeCloseTo(1 / h, 2);
    expect(counts[1]! / draws).toBeCloseTo(2 ** -0.99 / h, 2);
    expect(counts[0]!).toBeGreaterThan(counts[9]! * 5);
  });
});
