/** One parsed HTTP/1.x response (the body is counted, not kept). */
export interface HttpResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Map<string, string>;
  bodyBytes: number;
  /** The server will close the connection after this response (`connection: close`, HTTP/1.0). */
  closes: boolean;
}

/** The server broke HTTP/1.1 framing; the connection cannot be resynchronised. */
export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
}

const MAX_HEAD_BYTES = 64 * 1024;

type State =
  | { kind: 'head' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-end' }
  | { kind: 'trailer' }
  | { kind: 'until-close' };

/**
 * Incremental parser of pipelined HTTP/1.1 responses to GET-like requests: Content-Length, chunked
 * and read-until-close bodies; 1xx interim responses are skipped, 204/304 have no body. Responses may
 * be split across chunks or many per chunk. (HEAD is not supported: its responses would need the request.)
 */
export class HttpResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'head' };
  private current: HttpResponse | undefined;

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** The next complete response, or undefined until more bytes arrive. Throws HttpProtocolError. */
  next(): HttpResponse | undefined {
    for (;;) {
      const s = this.state;
      switch (s.kind) {
        case 'head': {
          const end = this.buf.indexOf('\r\n\r\n');
          if (end === -1) {
            if (this.buf.length > MAX_HEAD_BYTES) throw new HttpProtocolError('response head too large');
            return undefined;
          }
          const head = this.buf.toString('latin1', 0, end);
          this.buf = this.buf.subarray(end + 4);
          const res = parseHead(head);
          if (res.status >= 100 && res.status < 200) continue; // interim response: the real one follows
          this.current = res;
          const length = res.headers.get('content-length');
          const chunked = /(?:^|,)\s*chunked\s*$/i.test(res.headers.get('transfer-encoding') ?? '');
          if (res.status === 204 || res.status === 304) return this.finish();
          if (chunked) this.state = { kind: 'chunk-size' };
          else if (length !== undefined) {
            if (!/^\d{1,15}$/.test(length)) throw new HttpProtocolError(`bad content-length '${length}'`);
            this.state = { kind: 'length', remaining: Number(length) };
          } else {
            res.closes = true;
            this.state = { kind: 'until-close' };
          }
          continue;
        }
        case 'length': {
          const take = Math.min(s.remaining, this.buf.length);
          this.consumeBody(take);
          s.remaining -= take;
          if (s.remaining > 0) return undefined;
          return this.finish();
        }
        case 'chunk-size': {
          const eol = this.buf.indexOf('\r\n');
          if (eol === -1) return undefined;
          const sizeText = this.buf.toString('latin1', 0, eol).split(';')[0]!.trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new HttpProtocolError(`bad chunk size '${sizeText}'`);
          this.buf = this.buf.subarray(eol + 2);
          const size = parseInt(sizeText, 16);
          this.state = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', remaining: size };
          continue;
        }
        case 'chunk-data': {
          const take = Math.min(s.remaining, this.buf.length);
          this.consumeBody(take);
          s.remaining -= take;
          if (s.remaining > 0) return undefined;
          this.state = { kind: 'chunk-end' };
          continue;
        }
        case 'chunk-end': {
          if (this.buf.length < 2) return undefined;
          if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new HttpProtocolError('chunk not terminated by CRLF');
          this.buf = this.buf.subarray(2);
          this.state = { kind: 'chunk-size' };
          continue;
        }
        case 'trailer': {
          const eol = this.buf.indexOf('\r\n');
          if (eol === -1) return undefined;
          this.buf = this.buf.subarray(eol + 2);
          if (eol === 0) return this.finish();
          continue;
        }
        case 'until-close':
          this.consumeBody(this.buf.length);
          return undefined;
      }
    }
  }

  /** The connection closed: a read-until-close body ends here. */
  end(): HttpResponse | undefined {
    return this.state.kind === 'until-close' ? this.finish() : undefined;
  }

  private consumeBody(n: number): void {
    this.current!.bodyBytes += n;
    this.buf = this.buf.subarray(n);
  }

  private finish(): HttpResponse {
    const res = this.current!;
    this.current = undefined;
    this.state = { kind: 'head' };
    return res;
  }
}

function parseHead(head: string): HttpResponse {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]!);
  if (!m) throw new HttpProtocolError(`bad status line '${lines[0]!.slice(0, 80)}'`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpProtocolError(`bad header line '${line.slice(0, 80)}'`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const conn = (headers.get('connection') ?? '').toLowerCase();
  const closes = m[1] === '0' ? !conn.includes('keep-alive') : conn.split(',').some((t) => t.trim() === 'close');
  return { status: Number(m[2]), headers, bodyBytes: 0, closes };
}
