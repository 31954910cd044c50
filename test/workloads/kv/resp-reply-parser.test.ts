import { describe, expect, it } from 'vitest';
import { RespError, RespProtocolError, type RespValue } from '../../../experiments/workloads/kv/resp-common.ts';
import { RespReplyParser } from '../../../experiments/workloads/kv/resp-reply-parser.ts';

function parseAll(chunks: string[]): RespValue[] {
  const p = new RespReplyParser();
  const out: RespValue[] = [];
  for (const c of chunks) {
    p.push(Buffer.from(c));
    for (let v = p.next(); v !== undefined; v = p.next()) out.push(v);
  }
  return out;
}

describe('RespReplyParser', () => {
  it('parses every RESP2 reply type', () => {
    const [ok, err, n, bulk, nil, arr, nilArr] = parseAll(['+OK\r\n-ERR no\r\n:-42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n:1\r\n*1\r\n$1\r\nx\r\n*-1\r\n']);
    expect(ok).toBe('OK');
    expect(err).toEqual(new RespError('ERR no'));
    expect(n).toBe(-42);
    expect((bulk as Buffer).toString()).toBe('abc');
    expect(nil).toBeNull();
    expect(arr).toEqual([1, [Buffer.from('x')]]);
    expect(nilArr).toBeNull();
  });

  it('completes a reply split inside a bulk string and inside a nested array', () => {
    expect(parseAll(['$5\r\nhel', 'lo\r', '\n']).map(String)).toEqual(['hello']);
    expect(parseAll(['*2\r\n$1\r\na\r\n', '*1\r\n:', '7\r\n'])).toEqual([[Buffer.from('a'), [7]]]);
  });

  it('rejects an unknown reply type', () => {
    const p = new RespReplyParser();
    p.push(Buffer.from('?what\r\n'));
    expect(() => p.next()).toThrow(RespProtocolError);
  });
});
