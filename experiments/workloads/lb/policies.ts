import { HashRing } from './hash-ring.ts';

export const POLICIES = ['rr', 'least-conn', 'consistent-hash'] as const;
export type PolicyName = (typeof POLICIES)[number];

/** Chooses a backend (an index into the backend list) for each request. */
export interface BalancingPolicy {
  readonly name: PolicyName;
  /** `key` is the request's hash key (consistent-hash only); `inFlight[i]` is backend i's open requests. */
  choose(key: string, inFlight: ArrayLike<number>): number;
}

/** Round-robin: backend 0, 1, …, n−1, 0, … regardless of load. */
export class RoundRobinPolicy implements BalancingPolicy {
  readonly name = 'rr';
  private next = 0;

  constructor(private readonly size: number) {}

  choose(): number {
    const i = this.next;
    this.next = (i + 1) % this.size;
    return i;
  }
}

/**
 * Least connections: the backend with the fewest requests in flight through the balancer (queued in
 * its connection pool or being served). Ties rotate, so idle backends share the load evenly.
 */
export class LeastConnectionsPolicy implements BalancingPolicy {
  readonly name = 'least-conn';
  private start = 0;

  constructor(private readonly size: number) {}

  choose(_key: string, inFlight: ArrayLike<number>): number {
    let best = this.start;
    for (let k = 1; k < this.size; k++) {
      const i = (this.start + k) % this.size;
      if (inFlight[i]! < inFlight[best]!) best = i;
    }
    this.start = (this.start + 1) % this.size;
    return best;
  }
}

/** Consistent hashing of the request key on a ring with virtual nodes (see HashRing). */
export class ConsistentHashPolicy implements BalancingPolicy {
  readonly name = 'consistent-hash';
  private readonly ring: HashRing;

  constructor(members: readonly string[], vnodes?: number) {
    this.ring = new HashRing(members, vnodes);
  }

  choose(key: string): number {
    return this.ring.lookup(key);
  }
}

// The policy object for a name; `members` are the backends' names (host:port), which place them on the ring.
export function createPolicy(name: PolicyName, members: readonly string[], vnodes?: number): BalancingPolicy {
  switch (name) {
    case 'rr':
      return new RoundRobinPolicy(members.length);
    case 'least-conn':
      return new LeastConnectionsPolicy(members.length);
    case 'consistent-hash':
      return new ConsistentHashPolicy(members, vnodes);
  }
}
