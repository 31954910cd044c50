import { murmur3String } from './murmur3.ts';

/** @default 160 virtual nodes per member, as in ketama: a few % imbalance between members. */
export const DEFAULT_VNODES = 160;

/**
 * A consistent-hash ring with virtual nodes. A member's points depend only on its name, so removing
 * a member moves exactly the keys it owned; every other key keeps its owner.
 */
export class HashRing {
  private readonly points: Uint32Array;
  private readonly owners: Uint16Array;

  constructor(
    readonly members: readonly string[],
    readonly vnodes = DEFAULT_VNODES,
  ) {
    if (members.length === 0) throw new Error('a hash ring needs at least one member');
    if (members.length > 0xffff) throw new Error('too many ring members');
    if (new Set(members).size !== members.length) throw new Error('ring members must be distinct');
    const entries: { point: number; owner: number }[] = [];
    members.forEach((name, owner) => {
      for (let v = 0; v < vnodes; v++) entries.push({ point: murmur3String(`${name}#${v}`), owner });
    });
    // Ties (rare) go to the smaller name, so the ring does not depend on the members' order.
    entries.sort((a, b) => a.point - b.point || members[a.owner]!.localeCompare(members[b.owner]!));
    this.points = Uint32Array.from(entries, (e) => e.point);
    this.owners = Uint16Array.from(entries, (e) => e.owner);
  }

  // Index (into `members`) of the owner of a key: the first point clockwise from the key's hash.
  lookup(key: string): number {
    return this.lookupHash(murmur3String(key));
  }

  lookupHash(hash: number): number {
    const pts = this.points;
    let lo = 0;
    let hi = pts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pts[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === pts.length ? 0 : lo]!;
  }
}
