import { ChunkBuffer, CR, LF, RESP_LIMITS, RespError, RespProtocolError, findCrlf, parseIntStrict, type RespValue } from './resp-common.ts';

/** Incremental parser of RESP2 replies (client side): replies may be split across chunks or pipelined. */
export class RespReplyParser {
  private readonly input = new ChunkBuffer();

  push(chunk: Buffer): void {
    this.input.push(chunk);
  }

  /** The next complete reply, or `undefined` until more bytes arrive (a null reply is `null`). */
  next(): RespValue | undefined {
    if (this.input.pos >= this.input.buf.length) return undefined;
    const parsed = parseValue(this.input.buf, this.input.pos, 0);
    if (!parsed) return undefined;
    this.input.pos = parsed.end;
    return parsed.value;
  }

  /**
   * Consume the next complete reply without building its value (the generator's hot path): 'ok', 'error'
   * for an error reply, or undefined until more bytes arrive. Validates exactly as `next()` does.
   */
  skip(): 'ok' | 'error' | undefined {
    const { buf, pos } = this.input;
    if (pos >= buf.length) return undefined;
    const end = skipValue(buf, pos, 0);
    if (end === -1) return undefined;
    this.input.pos = end;
    return buf[pos] === 0x2d ? 'error' : 'ok';
  }
}

// End offset of the reply at `start`, or -1 if it is incomplete; throws like parseValue on bad input.
function skipValue(buf: Buffer, start: number, depth: number): number {
  if (start >= buf.length) return -1;
  const type = buf[start];
  if (type !== 0x24 && type !== 0x2a) {
    // '+', '-', ':' lines (and unknown types, which parseValue rejects)
    return type === 0x3a || type === 0x2b || type === 0x2d ? skipLine(buf, start, type) : (parseValue(buf, start, depth)?.end ?? -1);
  }
  const lineEnd = findCrlf(buf, start + 1);
  if (lineEnd === -1) return -1;
  const after = lineEnd + 2;
  const n = parseIntStrict(buf, start + 1, lineEnd, type === 0x24 ? 'bulk length' : 'array length');
  if (n === -1) return after;
  if (type === 0x24) {
    if (n < 0 || n > RESP_LIMITS.maxBulkBytes) throw new RespProtocolError('invalid bulk length');
    if (after + n + 2 > buf.length) return -1;
    if (buf[after + n] !== CR || buf[after + n + 1] !== LF) throw new RespProtocolError('bulk string not terminated by CRLF');
    return after + n + 2;
  }
  if (n < 0 || n > RESP_LIMITS.maxArrayLength) throw new RespProtocolError('invalid array length');
  if (depth >= MAX_DEPTH) throw new RespProtocolError('arrays nested too deeply');
  let p = after;
  for (let i = 0; i < n; i++) {
    p = skipValue(buf, p, depth + 1);
    if (p === -1) return -1;
  }
  return p;
}

function skipLine(buf: Buffer, start: number, type: number): number {
  const lineEnd = findCrlf(buf, start + 1);
  if (lineEnd === -1) return -1;
  if (type === 0x3a) parseIntStrict(buf, start + 1, lineEnd, 'integer reply');
  return lineEnd + 2;
}

interface Parsed {
  value: RespValue;
  end: number;
}

const MAX_DEPTH = 32;

function parseValue(buf: Buffer, start: number, depth: number): Parsed | undefined {
  if (start >= buf.length) return undefined;
  const lineEnd = findCrlf(buf, start + 1);
  if (lineEnd === -1) return undefined;
  const after = lineEnd + 2;
  switch (buf[start]) {
    case 0x2b: // '+'
      return { value: buf.toString('utf8', start + 1, lineEnd), end: after };
    case 0x2d: // '-'
      return { value: new RespError(buf.toString('utf8', start + 1, lineEnd)), end: after };
    case 0x3a: // ':'
      return { value: parseIntStrict(buf, start + 1, lineEnd, 'integer reply'), end: after };
    case 0x24: {
      // '$'
      const len = parseIntStrict(buf, start + 1, lineEnd, 'bulk length');
      if (len === -1) return { value: null, end: after };
      if (len < 0 || len > RESP_LIMITS.maxBulkBytes) throw new RespProtocolError('invalid bulk length');
      if (after + len + 2 > buf.length) return undefined;
      if (buf[after + len] !== CR || buf[after + len + 1] !== LF) throw new RespProtocolError('bulk string not terminated by CRLF');
      return { value: buf.subarray(after, after + len), end: after + len + 2 };
    }
    case 0x2a: {
      // '*'
      const count = parseIntStrict(buf, start + 1, lineEnd, 'array length');
      if (count === -1) return { value: null, end: after };
      if (count < 0 || count > RESP_LIMITS.maxArrayLength) throw new RespProtocolError('invalid array length');
      if (depth >= MAX_DEPTH) throw new RespProtocolError('arrays nested too deeply');
      const items: RespValue[] = [];
      let p = after;
      for (let i = 0; i < count; i++) {
        const item = parseValue(buf, p, depth + 1);
        if (!item) return undefined;
        items.push(item.value);
        p = item.end;
      }
      return { value: items, end: p };
    }
    default:
      throw new RespProtocolError(`unknown reply type '${String.fromCharCode(buf[start]!)}'`);
  }
}
