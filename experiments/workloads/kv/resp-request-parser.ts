import { ChunkBuffer, CR, LF, RESP_LIMITS, RespProtocolError, findCrlf, parseIntStrict } from './resp-common.ts';

const STAR = 0x2a;
const DOLLAR = 0x24;

/**
 * Incremental parser of client commands, as a Redis server reads them: RESP arrays of bulk strings
 * (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) or inline commands (`PING\r\n`, whitespace-separated, no quoting).
 * Frames may arrive split across chunks or many per chunk (pipelining).
 */
export class RespRequestParser {
  private readonly input = new ChunkBuffer();

  push(chunk: Buffer): void {
    this.input.push(chunk);
  }

  get pending(): number {
    return this.input.pending;
  }

  /** The next complete command's arguments, or undefined until more bytes arrive. Throws RespProtocolError. */
  next(): Buffer[] | undefined {
    const { buf } = this.input;
    // Empty commands (`*0`, blank inline lines) are skipped, as Redis does.
    while (this.input.pos < buf.length) {
      const start = this.input.pos;
      const parsed = buf[start] === STAR ? parseMultiBulk(buf, start) : parseInline(buf, start);
      if (!parsed) return undefined;
      this.input.pos = parsed.end;
      if (parsed.args.length > 0) return parsed.args;
    }
    return undefined;
  }
}

interface Parsed {
  args: Buffer[];
  end: number;
}

function parseMultiBulk(buf: Buffer, start: number): Parsed | undefined {
  const headerEnd = findCrlf(buf, start + 1);
  if (headerEnd === -1) return undefined;
  const count = parseIntStrict(buf, start + 1, headerEnd, 'multibulk length');
  if (count > RESP_LIMITS.maxArrayLength) throw new RespProtocolError('invalid multibulk length');
  let p = headerEnd + 2;
  const args: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (p >= buf.length) return undefined;
    if (buf[p] !== DOLLAR) throw new RespProtocolError(`expected '$', got '${String.fromCharCode(buf[p]!)}'`);
    const lenEnd = findCrlf(buf, p + 1);
    if (lenEnd === -1) return undefined;
    const len = parseIntStrict(buf, p + 1, lenEnd, 'bulk length');
    if (len < 0 || len > RESP_LIMITS.maxBulkBytes) throw new RespProtocolError('invalid bulk length');
    const dataStart = lenEnd + 2;
    if (dataStart + len + 2 > buf.length) return undefined;
    if (buf[dataStart + len] !== CR || buf[dataStart + len + 1] !== LF) {
      throw new RespProtocolError('bulk string not terminated by CRLF');
    }
    args.push(buf.subarray(dataStart, dataStart + len));
    p = dataStart + len + 2;
  }
  return { args, end: p };
}

// An inline command ends at `\n` (optionally preceded by `\r`); arguments are separated by spaces or tabs.
function parseInline(buf: Buffer, start: number): Parsed | undefined {
  const lf = buf.indexOf(LF, start);
  if (lf === -1) {
    if (buf.length - start > RESP_LIMITS.maxLineBytes) throw new RespProtocolError('too big inline request');
    return undefined;
  }
  const lineEnd = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
  const args: Buffer[] = [];
  let i = start;
  while (i < lineEnd) {
    while (i < lineEnd && isBlank(buf[i]!)) i++;
    const wordStart = i;
    while (i < lineEnd && !isBlank(buf[i]!)) i++;
    if (i > wordStart) args.push(buf.subarray(wordStart, i));
  }
  return { args, end: lf + 1 };
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09;
}
