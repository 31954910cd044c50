// Pieces shared by the RESP2 request parser (server side) and reply parser (client side).

/** A RESP error reply (`-ERR …`), as a value: it is a normal answer, not a thrown failure. */
export class RespError {
  constructor(readonly message: string) {}
}

/** A reply value: simple string, error, integer, bulk string, null (bulk or array), or array. */
export type RespValue = string | number | Buffer | null | RespError | RespValue[];

/** The peer broke the protocol; the connection cannot be resynchronised and must be closed. */
export class RespProtocolError extends Error {
  override readonly name = 'RespProtocolError';
}

/** Limits that keep a broken or hostile peer from making us buffer without bound. */
export const RESP_LIMITS = {
  /** Largest bulk string (Redis allows 512 MB; a KV benchmark never needs that). */
  maxBulkBytes: 64 * 1024 * 1024,
  /** Most elements in one array. */
  maxArrayLength: 1024 * 1024,
  /** Longest header or inline-command line. */
  maxLineBytes: 64 * 1024,
} as const;

export const CR = 13;
export const LF = 10;

// Index of the `\r` of the next CRLF at or after `from`, or -1 (a line too long for a header throws).
export function findCrlf(buf: Buffer, from: number): number {
  const lf = buf.indexOf(LF, from);
  if (lf === -1) {
    if (buf.length - from > RESP_LIMITS.maxLineBytes) throw new RespProtocolError('line too long');
    return -1;
  }
  if (lf - from > RESP_LIMITS.maxLineBytes) throw new RespProtocolError('line too long');
  if (lf === from || buf[lf - 1] !== CR) throw new RespProtocolError('expected CRLF line ending');
  return lf - 1;
}

// Parse a signed decimal integer in buf[start, end); throws on anything else.
export function parseIntStrict(buf: Buffer, start: number, end: number, what: string): number {
  let i = start;
  let sign = 1;
  if (buf[i] === 0x2d) {
    sign = -1;
    i++;
  }
  if (i >= end) throw new RespProtocolError(`invalid ${what}`);
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) throw new RespProtocolError(`invalid ${what}`);
    n = n * 10 + d;
  }
  if (!Number.isSafeInteger(n)) throw new RespProtocolError(`invalid ${what}`);
  return sign * n;
}

/** Accumulates socket chunks; a parser consumes from `pos` and leaves an incomplete frame in place. */
export class ChunkBuffer {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;

  push(chunk: Buffer): void {
    if (this.pos >= this.buf.length) this.buf = chunk;
    else this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
  }

  /** Bytes received but not yet parsed. */
  get pending(): number {
    return this.buf.length - this.pos;
  }
}
