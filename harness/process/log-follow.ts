import { open } from 'node:fs/promises';
import { sleep } from './timers.ts';

/** Longest unterminated line kept for matching; beyond it only the end is kept. */
const MAX_PARTIAL = 64 * 1024;
const CHUNK = 64 * 1024;

// A pattern from a probe as a RegExp without g/y flags, whose lastIndex state would skip matches.
export function toLinePattern(pattern: RegExp | string): RegExp {
  if (typeof pattern === 'string') return new RegExp(pattern);
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

export interface FollowOptions {
  /** Byte offset to start reading at (the log's size when the process was spawned). */
  fromOffset: number;
  /** Stops following; the promise then resolves undefined. */
  signal: AbortSignal;
  /** Give up at this time (Date.now() scale). */
  deadline: number;
  /** @default 25 */
  intervalMs?: number;
}

// Poll a growing log file until a line matches; resolves the line, or undefined when aborted or past the deadline.
// The log is a file the process writes directly (not a pipe), so polling is how output is observed.
export async function followLogFor(file: string, pattern: RegExp | string, opts: FollowOptions): Promise<string | undefined> {
  const re = toLinePattern(pattern);
  const intervalMs = opts.intervalMs ?? 25;
  const handle = await open(file, 'r');
  try {
    let offset = opts.fromOffset;
    let partial = Buffer.alloc(0);
    const buf = Buffer.alloc(CHUNK);
    while (!opts.signal.aborted && Date.now() < opts.deadline) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, offset);
      if (bytesRead === 0) {
        await sleep(intervalMs, opts.signal);
        continue;
      }
      offset += bytesRead;
      const data = Buffer.concat([partial, buf.subarray(0, bytesRead)]);
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        const line = data.toString('utf8', start, nl).replace(/\r$/, '');
        if (re.test(line)) return line;
        start = nl + 1;
      }
      partial = data.subarray(Math.max(start, data.length - MAX_PARTIAL));
      // A prompt without a newline ("ready> ") counts too.
      const rest = partial.toString('utf8');
      if (rest && re.test(rest)) return rest;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
