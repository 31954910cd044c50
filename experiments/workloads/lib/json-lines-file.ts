import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import path from 'node:path';

/** An append-only JSON Lines log (truth logs): opened synchronously so a bad path fails at start-up. */
export class JsonLinesFile {
  private stream: WriteStream | undefined;

  constructor(
    readonly file: string,
    onError: (err: Error) => void,
  ) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const fd = openSync(file, 'w');
    this.stream = createWriteStream(file, { fd });
    this.stream.on('error', onError);
  }

  write(record: unknown): void {
    this.stream?.write(`${JSON.stringify(record)}\n`);
  }

  // Write the last line (e.g. a summary) and flush to disk; later writes are ignored.
  async close(last?: unknown): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    await new Promise<void>((resolve) => {
      stream.once('error', () => resolve());
      stream.end(last === undefined ? '' : `${JSON.stringify(last)}\n`, () => resolve());
    });
  }
}
