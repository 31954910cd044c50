import { statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';

// `--root DIR` names the project root itself: it must be an existing folder (a typo must not fall
// back silently to another project, as the search upwards from the working directory would).
export function checkRootFlag(value: string): string {
  const dir = path.resolve(value);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`--root ${value}: no such folder`);
  }
  if (!isDir) throw new UsageError(`--root ${value}: not a folder`);
  return dir;
}
