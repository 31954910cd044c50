import { describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext } from '../../../experiments/workloads/kv/commands.ts';

function session(): (...args: string[]) => string {
  const ctx: CommandContext = { store: new Map(), clientId: 7, clientName: null, closeAfterReply: false };
  return (...args) => executeCommand(args.map((a) => Buffer.from(a)), ctx).toString();
}

describe('kv commands', () => {
  it('GET/SET/DEL/EXISTS/DBSIZE/FLUSHALL behave like Redis', () => {
    const run = session();
    expect(run('GET', 'k')).toBe('$-1\r\n');
    expect(run('SET', 'k', 'v1')).toBe('+OK\r\n');
    expect(run('get', 'k')).toBe('$2\r\nv1\r\n');
    expect(run('SET', 'k', 'v2', 'NX')).toBe('$-1\r\n');
    expect(run('SET', 'k', 'v2', 'XX', 'GET')).toBe('$2\r\nv1\r\n');
    expect(run('EXISTS', 'k', 'k', 'nope')).toBe(':2\r\n');
    expect(run('DBSIZE')).toBe(':1\r\n');
    expect(run('DEL', 'k', 'nope')).toBe(':1\r\n');
    run('SET', 'a', '1');
    expect(run('FLUSHALL')).toBe('+OK\r\n');
    expect(run('DBSIZE')).toBe(':0\r\n');
  });

  it('INCR counts from 0 and refuses non-integers', () => {
    const run = session();
    expect(run('INCR', 'n')).toBe(':1\r\n');
    expect(run('INCR', 'n')).toBe(':2\r\n');
    run('SET', 's', 'abc');
    expect(run('INCR', 's')).toBe('-ERR value is not an integer or out of range\r\n');
    run('SET', 'big', '9223372036854775807');
    expect(run('INCR', 'big')).toBe('-ERR increment or decrement would overflow\r\n');
  });

  it('answers PING/ECHO and refuses unknown commands and wrong arity', () => {
    const run = session();
    expect(run('PING')).toBe('+PONG\r\n');
    expect(run('PING', 'hi')).toBe('$2\r\nhi\r\n');
    expect(run('ECHO', 'x')).toBe('$1\r\nx\r\n');
    expect(run('FROB', 'a')).toBe("-ERR unknown command 'FROB', with args beginning with: 'a'\r\n");
    expect(run('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(run('SET', 'k', 'v', 'EX', '10')).toMatch(/^-ERR expiry is not supported/);
  });

  it("answers the clients' start-up probes (CONFIG GET, HELLO, CLIENT, COMMAND, SELECT)", () => {
    const run = session();
    expect(run('CONFIG', 'GET', 'save')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
    expect(run('CONFIG', 'GET', 'appendonly')).toBe('*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n');
    expect(run('HELLO', '3')).toMatch(/^-NOPROTO/);
    expect(run('HELLO')).toMatch(/^\*14\r\n\$6\r\nserver\r\n/);
    expect(run('CLIENT', 'SETNAME', 'bench')).toBe('+OK\r\n');
    expect(run('CLIENT', 'GETNAME')).toBe('$5\r\nbench\r\n');
    expect(run('COMMAND', 'DOCS')).toBe('*0\r\n');
    expect(run('COMMAND', 'COUNT')).toMatch(/^:\d+\r\n$/);
    expect(run('SELECT', '0')).toBe('+OK\r\n');
    expect(run('SELECT', '1')).toMatch(/^-ERR DB index/);
  });

  it('QUIT replies OK and asks to close the connection', () => {
    const ctx: CommandContext = { store: new Map(), clientId: 1, clientName: null, closeAfterReply: false };
    expect(executeCommand([Buffer.from('QUIT')], ctx).toString()).toBe('+OK\r\n');
    expect(ctx.closeAfterReply).toBe(true);
  });
});
