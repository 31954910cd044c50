import { describe, expect, it } from 'vitest';
import { RespProtocolError } from '../../../experiments/workloads/kv/resp-common.ts';
import { encodeCommand } from '../../../experiments/workloads/kv/resp-encode.ts';
import { RespRequestParser } from '../../../experiments/workloads/kv/resp-request-parser.ts';

// Feed chunks, collect every complete command as strings.
function parseAll(chunks: (string | Buffer)[]): string[][] {
  const p = new RespRequestParser();
  const out: string[][] = [];
  for (const c of chunks) {
    p.push(typeof c === 'string' ? Buffer.from(c) : c);
    for (let args = p.next(); args; args = p.next()) out.push(args.map((a) => a.toString()));
  }
  return out;
}

describe('RespRequestParser', () => {
  it('parses a RESP array of bulk strings', () => {
    expect(parseAll(['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n'])).toEqual([['SET', 'k', 'hello']]);
  });

  it('waits for the rest of a frame split at every byte', () => {
    const frame = encodeCommand(['SET', 'key:1', 'a\r\nbinary\r\nvalue']);
    const bytes = [...frame].map((b) => Buffer.from([b]));
    const p = new RespRequestParser();
    const seen: string[][] = [];
    bytes.forEach((b, i) => {
      p.push(b);
      const args = p.next();
      if (i < bytes.length - 1) expect(args).toBeUndefined();
      if (args) seen.push(args.map((a) => a.toString()));
    });
    expect(seen).toEqual([['SET', 'key:1', 'a\r\nbinary\r\nvalue']]);
    expect(p.pending).toBe(0);
  });

  it('returns pipelined commands one by one, including a trailing partial one', () => {
    const pipeline = Buffer.concat([encodeCommand(['GET', 'a']), encodeCommand(['GET', 'b']), encodeCommand(['PING'])]);
    const cut = pipeline.length - 3;
    expect(parseAll([pipeline.subarray(0, cut)])).toEqual([['GET', 'a'], ['GET', 'b']]);
    expect(parseAll([pipeline.subarray(0, cut), pipeline.subarray(cut)])).toEqual([['GET', 'a'], ['GET', 'b'], ['PING']]);
  });

  it('parses inline commands with CRLF or LF, skipping blank lines and extra spaces', () => {
    expect(parseAll(['PING\r\n', '\r\n', 'SET  k\tv\n', 'GE', 'T k\r\n'])).toEqual([['PING'], ['SET', 'k', 'v'], ['GET', 'k']]);
  });

  it('mixes inline and RESP commands on one connection and skips empty arrays', () => {
    expect(parseAll(['PING\r\n*0\r\n*1\r\n$4\r\nPING\r\nECHO x\r\n'])).toEqual([['PING'], ['PING'], ['ECHO', 'x']]);
  });

  it('keeps empty bulk strings', () => {
    expect(parseAll(['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n'])).toEqual([['SET', 'k', '']]);
  });

  it.each([
    ['*1\r\n+PING\r\n', "expected '$'"],
    ['*x\r\n', 'invalid multibulk length'],
    ['*1\r\n$-5\r\n', 'invalid bulk length'],
    ['*1\r\n$2\r\nabcd\r\n', 'not terminated by CRLF'],
    ['*1\n', 'expected CRLF'],
  ])('rejects a broken frame %j', (input, message) => {
    const p = new RespRequestParser();
    p.push(Buffer.from(input));
    expect(() => p.next()).toThrow(RespProtocolError);
    expect(() => {
      const q = new RespRequestParser();
      q.push(Buffer.from(input));
      q.next();
    }).toThrow(message);
  });

  it('refuses an inline line longer than the limit instead of buffering forever', () => {
    const p = new RespRequestParser();
    p.push(Buffer.alloc(70 * 1024, 'a'));
    expect(() => p.next()).toThrow('too big inline request');
  });
});
