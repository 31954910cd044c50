import { accessSync, constants } from 'node:fs';
import path from 'node:path';

// Absolute path of an executable found on PATH (or the path itself if it has a slash), else null.
export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | null {
  const candidates = name.includes('/') ? [name] : envPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return path.resolve(file);
    } catch {}
  }
  return null;
}
