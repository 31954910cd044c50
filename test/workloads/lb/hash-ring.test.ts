import { describe, expect, it } from 'vitest';
import { HashRing } from '../../../experiments/workloads/lb/hash-ring.ts';
import { murmur3String } from '../../../experiments/workloads/lb/murmur3.ts';
import { LeastConnectionsPolicy, RoundRobinPolicy } from '../../../experiments/workloads/lb/policies.ts';

const MEMBERS = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.4:80'];
const KEYS = Array.from({ length: 20_000 }, (_, i) => `key:${i}`);

function owners(ring: HashRing): string[] {
  return KEYS.map((k) => ring.members[ring.lookup(k)]!);
}

describe('murmur3', () => {
  it('matches the reference MurmurHash3_x86_32 vectors', () => {
    expect(murmur3String('')).toBe(0);
    expect(murmur3String('hello')).toBe(0x248bfa47);
    expect(murmur3String('abc')).toBe(0xb3dd93fa);
    expect(murmur3String('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });
});

describe('HashRing', () => {
  it('spreads keys over members within ±20 % of an even share (160 virtual nodes each)', () => {
    const counts = new Map<string, number>();
    for (const o of owners(new HashRing(MEMBERS))) counts.set(o, (counts.get(o) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(MEMBERS);
    for (const n of counts.values()) expect(Math.abs(n - 5000) / 5000).toBeLessThan(0.2);
  });

  it('maps a key to the same member whatever the order the members are listed in', () => {
    const a = owners(new HashRing(MEMBERS));
    const b = owners(new HashRing([...MEMBERS].reverse()));
    expect(b).toEqual(a);
  });

  it('moves only the keys of a removed member; the others keep their owner', () => {
    const before = owners(new HashRing(MEMBERS));
    const after = owners(new HashRing(MEMBERS.filter((m) => m !== '10.0.0.3:80')));
    let moved = 0;
    before.forEach((o, i) => {
      if (o === '10.0.0.3:80') {
        moved++;
        expect(after[i]).not.toBe('10.0.0.3:80');
      } else {
        expect(after[i]).toBe(o);
      }
    });
    expect(moved / KEYS.length).toBeGreaterThan(0.15);
    expect(moved / KEYS.length).toBeLessThan(0.35);
  });

  it('gives a new member only keys taken from others (about 1/(n+1) of them)', () => {
    const before = owners(new HashRing(MEMBERS));
    const after = owners(new HashRing([...MEMBERS, '10.0.0.5:80']));
    const changed = before.filter((o, i) => after[i] !== o).length;
    expect(after.filter((o, i) => o !== before[i]).every((o) => o === '10.0.0.5:80')).toBe(true);
    expect(changed / KEYS.length).toBeGreaterThan(0.12);
    expect(changed / KEYS.length).toBeLessThan(0.28);
  });

  it('rejects an empty or duplicated member list', () => {
    expect(() => new HashRing([])).toThrow(/at least one member/);
    expect(() => new HashRing(['a', 'a'])).toThrow(/distinct/);
  });
});

describe('round-robin and least-connections', () => {
  it('round-robin cycles regardless of load', () => {
    const rr = new RoundRobinPolicy(3);
    expect(Array.from({ length: 7 }, () => rr.choose())).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('least-connections picks the backend with fewest requests in flight and rotates among ties', () => {
    const lc = new LeastConnectionsPolicy(3);
    expect(lc.choose('', [5, 0, 2])).toBe(1);
    expect(lc.choose('', [0, 3, 3])).toBe(0);
    const ties = Array.from({ length: 6 }, () => lc.choose('', [1, 1, 1]));
    expect(new Set(ties)).toEqual(new Set([0, 1, 2]));
  });
});
