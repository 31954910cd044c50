import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SuitePlan } from '../plan/build-plan.ts';
import { testFilePath } from './generate-test-file.ts';

export interface Shard {
  index: number;
  count: number;
}

// The generated files of a shard, chosen exactly as Vitest does: sort by sha1 of the path, slice evenly.
export function shardFiles(plan: SuitePlan, shard: Shard): string[] {
  const root = plan.suite.rootDir;
  return shardPaths(root, plan.workloads.flatMap((w) => w.chunks.map((c) => testFilePath(root, plan.name, w.name, c))), shard);
}

// Vitest's own sharding of test files (its BaseSequencer.shard): sha1 of `/<path from the root>`, sorted, sliced.
export function shardPaths(root: string, files: readonly string[], shard: Shard): string[] {
  const sorted = files
    .map((f) => ({ f, hash: createHash('sha1').update(`/${path.relative(root, f).split(path.sep).join('/')}`).digest('hex') }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const size = Math.floor(files.length / shard.count);
  const extra = files.length % shard.count;
  const start = size * (shard.index - 1) + Math.min(shard.index - 1, extra);
  const end = start + size + (shard.index <= extra ? 1 : 0);
  return sorted.slice(start, end).map((x) => x.f);
}
