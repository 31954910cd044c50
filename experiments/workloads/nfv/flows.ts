import { createKeyChooser, type KeyChooser } from '../lib/key-chooser.ts';
import type { SeededRandom } from '../lib/prng.ts';

/** One flow of the generator: a 5-tuple, numbered. */
export interface Flow {
  id: number;
  protocol: number;
  srcIp: number;
  srcPort: number;
  dstIp: number;
  dstPort: number;
}

export interface FlowSetOptions {
  count: number;
  /** Cycled over the flows: flow i gets protocols[i mod n]. */
  protocols: readonly number[];
  /** Cycled over the flows: flow i gets dstPorts[i mod n]. */
  dstPorts: readonly number[];
  /** Flow i has source address srcBase + i + 1 (10.0.0.1, 10.0.0.2, … for 10.0.0.0). */
  srcBase: number;
  /** Flow i has source port srcPortBase + i, wrapped into 1024–65535. */
  srcPortBase: number;
  dstIp: number;
}

// The generator's flows, deterministic: the same options give the same 5-tuples on any machine.
export function buildFlows(o: FlowSetOptions): Flow[] {
  return Array.from({ length: o.count }, (_, i) => ({
    id: i,
    protocol: o.protocols[i % o.protocols.length]!,
    srcIp: (o.srcBase + i + 1) >>> 0,
    srcPort: 1024 + ((o.srcPortBase - 1024 + i) % (65536 - 1024)),
    dstIp: o.dstIp,
    dstPort: o.dstPorts[i % o.dstPorts.length]!,
  }));
}

export const FLOW_DISTS = ['rr', 'uniform', 'zipfian'] as const;
export type FlowDist = (typeof FLOW_DISTS)[number];

// Which flow each packet belongs to: `rr` cycles through them (packet n → flow n mod count), exactly.
export function createFlowChooser(dist: FlowDist, count: number, rng: SeededRandom, zipfS = 0.99): KeyChooser {
  if (dist !== 'rr') return createKeyChooser(dist, count, rng, zipfS);
  let n = 0;
  return { next: () => n++ % count };
}
