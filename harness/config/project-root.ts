import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The harness package itself (where `harness/`, `experiments/` and `suites/` live). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SUITES_DIR = 'experiments/configs/experiments';
export const WORKLOADS_DIR = 'experiments/configs/workloads';

// The project root: `configured` (HARNESS_ROOT, read by the caller at the edge), else the nearest
// ancestor of `start` holding experiments/configs, else the package.
export function findProjectRoot(start: string, configured?: string): string {
  if (configured) return path.resolve(configured);
  let dir = path.resolve(start);
  for (let i = 0; i < 64; i++) {
    if (existsSync(path.join(dir, 'experiments', 'configs'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return PACKAGE_ROOT;
}

// Show a path relative to the root when it is inside it (stable in messages and artifacts).
export function displayPath(file: string, root: string): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
