import { hashValue } from '../util/hash.ts';
import type { PlannedRun } from './run-types.ts';

/** A slice of a workload's runs in execution order: one generated test file. */
export interface RunChunk {
  index: number;
  count: number;
  runs: PlannedRun[];
  /** Hash of names, base ids (without command-line overrides) and timeouts: the generated file embeds it to detect staleness. */
  digest: string;
}

// Split a workload's ordered runs into one chunk per repetition (an interleaved repetition block:
// every mode of every variant), so Vitest's file sharding spreads equal work over testbeds and
// each shard keeps whole blocks for the overhead pairing.
export function chunkRuns(runs: PlannedRun[], repetitions: number): RunChunk[] {
  const count = Math.max(1, Math.min(repetitions, runs.length));
  const size = Math.ceil(runs.length / count);
  const chunks: RunChunk[] = [];
  for (let i = 0; i < count; i++) {
    const slice = runs.slice(i * size, (i + 1) * size);
    if (slice.length === 0) break;
    chunks.push({ index: i, count, runs: slice, digest: hashValue(slice.map((r) => [r.name, r.baseId, r.timeoutMs]), 16) });
  }
  return chunks.map((c) => ({ ...c, count: chunks.length }));
}
