import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

// The last lines of a log file, bounded in lines and bytes (whole lines only); '' when it does not exist.
export function readLogTail(file: string, { lines = 40, bytes = 4096 }: { lines?: number; bytes?: number } = {}): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buf = Buffer.alloc(length);
    const read = readSync(fd, buf, 0, length, size - length);
    let text = buf.toString('utf8', 0, read);
    // Started mid-file: drop the cut-off first line.
    if (length < size) text = text.slice(text.indexOf('\n') + 1);
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return ''; // a directory, a vanished file: no tail rather than an error inside an error
  } finally {
    closeSync(fd);
  }
}
