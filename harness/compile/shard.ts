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
  const files = plan.workloads.flatMap((w) => w.chunks.map((c) => testFilePath(root, plan.name, w.name, c)));
  const sorted = files
    .map((f) => ({ f, hash: createHash('sha1').update(`/${path.relative(root, f).split(path.sep).join('/')}`).digest('hex') }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const size = Math.floor(files.length / shard.count);
  const extra = files.length % shard.count;
  const start = size * (shard.index - 1) + Math.min(shard.index - 1, extra);
  const end = start + size + (shard.index <= extra ? 1 : 0);
  return sorted.slice(start, end).map((x) => x.f);
}

// How many runs a shard will execute (for progress and ETA).
export function shardRunCount(plan: SuitePlan, shard: Shard): number {
  const chosen = new Set(shardFiles(plan, shard));
  const root = plan.suite.rootDir;
  return plan.workloads.reduce((sum, w) => sum + w.chunks.filter((c) => chosen.has(testFilePath(root, plan.name, w.name, c))).reduce((s, c) => s + c.runs.length, 0), 0);
}
