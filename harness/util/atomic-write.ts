import { writeFileSafe, type WriteOptions } from './safe-file.ts';

// Write a file so readers never see half of it (see writeFileSafe: a non-regular target is refused,
// the temp file is removed on failure). Parents are created: the callers write into folders the
// harness owns (artifact folders, reports/); paths a user names go through writeFileSafe directly.
export function writeFileAtomic(file: string, data: string | Buffer, options: WriteOptions = { createParents: true }): void {
  writeFileSafe(file, data, options);
}

export function writeJsonAtomic(file: string, value: unknown, options: WriteOptions = { createParents: true }): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, options);
}
