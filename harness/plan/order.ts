import { seededShuffle, seedFromString } from '../util/random.ts';
import type { PlannedRun } from './run-types.ts';

// Execution order. interleaved (default): repetition 0 of every variant and mode, then 1, … so slow
// drift of the machine does not bias one mode; blocked: all repetitions of a run back to back;
// random: shuffled with a recorded seed.
export function orderRuns(runs: PlannedRun[], order: 'interleaved' | 'blocked' | 'random', seed: number | undefined, seedKey: string): PlannedRun[] {
  if (order === 'blocked') return [...runs];
  const interleaved = [...runs].sort((a, b) => a.repetition - b.repetition); // stable: keeps variant, mode order
  if (order === 'interleaved') return interleaved;
  return seededShuffle(interleaved, effectiveSeed(seed, seedKey));
}

// The seed `order: random` uses: the descriptor's, else one derived from the suite and workload.
export function effectiveSeed(seed: number | undefined, seedKey: string): number {
  return seed ?? seedFromString(seedKey);
}
