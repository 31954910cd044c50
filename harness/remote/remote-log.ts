import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { ClientChannel } from 'ssh2';
import { MarkerFilter } from './marker-filter.ts';
import type { WrapperMarker } from './remote-command.ts';

/** How long close() waits for a channel's streams to drain into the file. */
const DRAIN_LIMIT_MS = 1000;

/**
 * The local log of a remote command: its stdout and stderr (minus the wrapper's markers) appended
 * to one file as they arrive, with backpressure on the channel when the disk is slower.
 */
export class RemoteLog {
  readonly path: string;
  /** Size of the file before this command wrote to it (where readiness probes start reading). */
  readonly offset: number;
  private file: WriteStream | undefined;
  private sources: NodeJS.ReadableStream[] = [];

  constructor(file: string) {
    this.path = file;
    mkdirSync(path.dirname(file), { recursive: true });
    this.offset = fileSize(file);
    this.file = createWriteStream(file, { flags: 'a' });
  }

  // Stream a channel into the file; wrapper markers on stderr go to `onMarker` instead.
  attach(channel: ClientChannel, onMarker: (m: WrapperMarker) => void): void {
    if (!this.file) throw new Error(`${this.path}: log already closed`);
    const filter = new MarkerFilter(onMarker);
    channel.pipe(this.file, { end: false });
    channel.stderr.pipe(filter).pipe(this.file, { end: false });
    this.sources = [channel, filter];
  }

  // Wait (bounded) for the streams to drain, then close the file, so a log tail sees everything.
  async close(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    await Promise.all(this.sources.map((s) => drained(s)));
    await new Promise<void>((resolve) => file.end(resolve));
  }
}

function drained(s: NodeJS.ReadableStream): Promise<void> {
  if ((s as NodeJS.ReadableStream & { readableEnded?: boolean }).readableEnded) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, DRAIN_LIMIT_MS);
    function done(): void {
      clearTimeout(timer);
      s.removeListener('end', done);
      resolve();
    }
    s.once('end', done);
  });
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
