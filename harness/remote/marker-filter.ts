import { Transform, type TransformCallback } from 'node:stream';
import { parseMarker, type WrapperMarker } from './remote-command.ts';

/** Longest prelude line held back while looking for markers; beyond it everything passes through. */
const PRELUDE_LIMIT = 64 * 1024;

/**
 * The remote wrapper's stderr: marker lines written before the command starts (pgid, barrier,
 * missing workdir) go to `onMarker` and are dropped; everything else, and everything after the
 * `pgid` marker, passes through to the log unchanged.
 */
export class MarkerFilter extends Transform {
  private prelude = true;
  private pending = Buffer.alloc(0);
  private readonly onMarker: (m: WrapperMarker) => void;

  constructor(onMarker: (m: WrapperMarker) => void) {
    super();
    this.onMarker = onMarker;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.prelude) return cb(null, chunk);
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10); this.prelude && nl !== -1; nl = data.indexOf(10, start)) {
      const marker = parseMarker(data.toString('utf8', start, nl));
      if (marker) this.emitMarker(marker);
      else this.push(data.subarray(start, nl + 1));
      start = nl + 1;
    }
    const rest = data.subarray(start);
    if (!this.prelude || rest.length > PRELUDE_LIMIT) {
      this.prelude = false;
      this.pending = Buffer.alloc(0);
      if (rest.length > 0) this.push(rest);
    } else {
      this.pending = Buffer.from(rest);
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.pending.length > 0) this.push(this.pending);
    cb();
  }

  private emitMarker(m: WrapperMarker): void {
    if (m.kind === 'pgid') this.prelude = false; // from here on it is the command's own stderr
    try {
      this.onMarker(m);
    } catch {} // a throwing listener must not break the log
  }
}
