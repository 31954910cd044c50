import path from 'node:path';
import type { PlannedRun } from '../plan/run-types.ts';

export const DEFAULT_ARTIFACTS_DIR = 'experiments/artifacts';

// `20261128-130501-123` (UTC): sorts by time, safe in file names.
export function timestampForPath(date = new Date()): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
}

// Layout (docs/analysis.md: Artifacts): experiments/artifacts/<timestamp>_<workload>_<mode>_<variant>_r<rep>/.
export function artifactDirName(run: PlannedRun, stamp: string): string {
  return `${stamp}_${run.workload}_${run.mode}_${run.variant.slug}_r${run.repetition}`;
}

// Absolute artifacts root: `configured` (--artifacts, else HARNESS_ARTIFACTS_DIR, read at the edge), else experiments/artifacts.
export function artifactsRoot(rootDir: string, configured?: string): string {
  return path.resolve(rootDir, configured || DEFAULT_ARTIFACTS_DIR);
}
