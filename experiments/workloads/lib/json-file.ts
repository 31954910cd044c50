import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Write JSON atomically (temp file in the same folder, then rename): a reader never sees half a file.
export function writeJsonAtomic(file: string, value: unknown): void {
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, abs);
}
