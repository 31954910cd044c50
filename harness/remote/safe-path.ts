import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error.ts';

/** A remote name or local destination that would leave the artifact folder. */
export class UnsafePathError extends HarnessError {
  readonly failureKind = 'remote' as const;
  override name = 'UnsafePathError';
}

// A single directory-entry name from the remote side: no separators, no `.`/`..`, no NUL.
export function checkRemoteName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new UnsafePathError(`unsafe remote file name ${JSON.stringify(name)} rejected (it would write outside the artifact folder)`);
  }
}

// `root/...parts` after checking every part, and that the result stays inside root.
export function joinInside(root: string, ...parts: string[]): string {
  for (const p of parts) checkRemoteName(p);
  const joined = path.resolve(root, ...parts);
  const rel = path.relative(path.resolve(root), joined);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new UnsafePathError(`${joined} is outside ${root}`);
  return joined;
}

// Create a destination folder, refusing to go through a symlink that leads out of `root`.
export function mkdirInside(root: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const realRoot = realpathSync(root);
  const real = realpathSync(dir);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new UnsafePathError(`destination ${dir} resolves to ${real}, outside ${realRoot}`);
}

// A destination file must not be an existing symlink (writing would follow it out of the folder).
export function checkLocalTarget(file: string): void {
  try {
    if (lstatSync(file).isSymbolicLink()) throw new UnsafePathError(`destination ${file} is a symlink; not writing through it`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
