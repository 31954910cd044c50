import { describe, expect, it } from 'vitest';
import { HttpProtocolError, HttpResponseParser, type HttpResponse } from '../../../experiments/workloads/lb/http-response-parser.ts';

function parseAll(chunks: readonly string[]): HttpResponse[] {
  const p = new HttpResponseParser();
  const out: HttpResponse[] = [];
  for (const c of chunks) {
    p.push(Buffer.from(c, 'latin1'));
    for (let r = p.next(); r; r = p.next()) out.push(r);
  }
  const last = p.end();
  if (last) out.push(last);
  return out;
}

const PIPELINED =
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Backend-Id: b1\r\n\r\nhello' +
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n' +
  'HTTP/1.1 204 No Content\r\n\r\n' +
  'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

describe('HttpResponseParser', () => {
  it('reads pipelined Content-Length, chunked (with extensions and trailers), 1xx and 204 responses in order', () => {
    const rs = parseAll([PIPELINED]);
    expect(rs.map((r) => [r.status, r.bodyBytes, r.closes])).toEqual([
      [200, 5, false],
      [404, 5, false],
      [204, 0, false],
      [200, 0, true],
    ]);
    expect(rs[0]!.headers.get('x-backend-id')).toBe('b1');
  });

  it('gives the same responses whatever way the bytes are split', () => {
    const whole = parseAll([PIPELINED]).map((r) => [r.status, r.bodyBytes]);
    for (const size of [1, 2, 3, 7, 13]) {
      const chunks: string[] = [];
      for (let i = 0; i < PIPELINED.length; i += size) chunks.push(PIPELINED.slice(i, i + size));
      expect(parseAll(chunks).map((r) => [r.status, r.bodyBytes]), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('ends a body without length at the close, and HTTP/1.0 closes unless keep-alive', () => {
    expect(parseAll(['HTTP/1.0 200 OK\r\n\r\nabc', 'def']).map((r) => [r.bodyBytes, r.closes])).toEqual([[6, true]]);
    expect(parseAll(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx'])[0]!.closes).toBe(false);
  });

  it('rejects broken framing', () => {
    expect(() => parseAll(['HTTP/1.1 2000 OK\r\n\r\n'])).toThrow(HttpProtocolError);
    expect(() => parseAll(['HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n'])).toThrow(/content-length/);
    expect(() => parseAll(['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'])).toThrow(/chunk size/);
    expect(() => parseAll(['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nabcd'])).toThrow(/CRLF/);
  });
});
