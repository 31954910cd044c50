import { seededShuffle, seedFromString } from '../util/random.ts';
import type { PlannedRun } from './run-types.ts';

// Execution order. interleaved (default): repetition 0 of every variant and mode, then 1, … so slow
// drift of the machine does not bias one mode; blocked: all repetitions of a run back to back;
// random: shuffled with a recorded seed, each repetition block's baseline before its other modes.
export function orderRuns(runs: PlannedRun[], order: 'interleaved' | 'blocked' | 'random', seed: number | undefined, seedKey: string): PlannedRun[] {
  if (order === 'blocked') return [...runs];
  const interleaved = [...runs].sort((a, b) => a.repetition - b.repetition); // stable: keeps variant, mode order
  if (order === 'interleaved') return interleaved;
  return baselinesFirst(seededShuffle(interleaved, effectiveSeed(seed, seedKey)));
}

// Swap each block's baseline into the block's first slot: a mode's overhead is judged against the
// baseline of its block, which must have run by then.
function baselinesFirst(runs: PlannedRun[]): PlannedRun[] {
  const out = [...runs];
  const first = new Map<string, number>();
  out.forEach((r, i) => {
    const block = `${r.variant.label}\0${r.repetition}`;
    if (!first.has(block)) first.set(block, i);
  });
  out.forEach((r, i) => {
    if (r.mode !== 'baseline') return;
    const slot = first.get(`${r.variant.label}\0${r.repetition}`)!;
    if (slot < i) [out[slot], out[i]] = [r, out[slot]!];
  });
  return out;
}

// The seed `order: random` uses: the descriptor's, else one derived from the suite and workload.
export function effectiveSeed(seed: number | undefined, seedKey: string): number {
  return seed ?? seedFromString(seedKey);
}
