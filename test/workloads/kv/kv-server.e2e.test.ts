// The kv server as a real process, driven by the real redis-cli and redis-benchmark (Debian redis-tools).
// These tests fail, not skip, when the tools are missing: compatibility with them is a requirement.
import { execFile } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { KV_SERVER, ProcessList, WorkloadProcess, startKvServer } from '../helpers/workload-process.ts';

const run = promisify(execFile);
const procs = new ProcessList();
let tmp: string | undefined;

afterEach(async () => {
  await procs.stopAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout.trim();
}

// Send raw bytes, collect what comes back until the server has answered `until` or closes.
function rawExchange(port: number, data: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timeout; got ${JSON.stringify(got)}`));
    }, 5000);
    s.on('data', (d) => {
      got += d.toString();
      if (!until.test(got)) return;
      clearTimeout(timer);
      s.destroy();
      resolve(got);
    });
    s.on('error', reject);
    s.write(data);
  });
}

describe('kv server', () => {
  it('works with redis-cli: ping, set, get, incr, dbsize, unknown command', async () => {
    const { port } = await startKvServer(procs);
    expect(await cli(port, 'ping')).toBe('PONG');
    expect(await cli(port, 'set', 'greeting', 'hello world')).toBe('OK');
    expect(await cli(port, 'get', 'greeting')).toBe('hello world');
    expect(await cli(port, 'incr', 'counter')).toBe('1');
    expect(await cli(port, 'dbsize')).toBe('2');
    expect(await cli(port, 'frobnicate')).toMatch(/ERR unknown command/);
  });

  it('works with redis-benchmark -t get,set,ping (inline and multibulk PING, pipelining with -P)', async () => {
    const { port } = await startKvServer(procs);
    const { stdout } = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'get,set,ping', '-n', '2000', '-q'], { timeout: 30_000 });
    for (const test of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET']) expect(stdout).toMatch(new RegExp(`${test}: [\\d.]+ requests per second`));
    const piped = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'set', '-n', '2000', '-P', '16', '-q'], { timeout: 30_000 });
    expect(piped.stdout).toMatch(/SET: [\d.]+ requests per second/);
  });

  it('answers inline commands and pipelined frames split across writes', async () => {
    const { port } = await startKvServer(procs);
    expect(await rawExchange(port, 'PING\r\nECHO hi\r\n', /hi\r\n$/)).toBe('+PONG\r\n$2\r\nhi\r\n');
    const reply = await rawExchange(port, '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nQUIT\r\n', /OK\r\n\$1\r\nv\r\n\+OK\r\n$/);
    expect(reply).toBe('+OK\r\n$1\r\nv\r\n+OK\r\n');
  });

  it('logs every Nth keyed request to the truth file and a summary on SIGTERM, exiting 0', async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kv-truth-'));
    const truth = path.join(tmp, 'nested', 'truth.jsonl');
    const { server, port } = await startKvServer(procs, ['--delta-us', '50', '--delta-every', '4', '--truth-file', truth, '--truth-limit', '3']);
    for (let i = 0; i < 10; i++) await cli(port, 'set', `k${i}`, 'v');
    await cli(port, 'ping'); // not keyed: never perturbed, not counted
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    const lines = readFileSync(truth, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 2)).toMatchObject([
      { type: 'perturbation', seq: 4, cmd: 'SET', key: 'k3', delta_us: 50 },
      { type: 'perturbation', seq: 8, cmd: 'SET', key: 'k7', delta_us: 50 },
    ]);
    expect(lines.at(-1)).toEqual({ type: 'summary', requests: 10, perturbed: 2, recorded: 2, dropped_over_limit: 0, delta_us: 50 });
    expect(typeof lines[0]!.t_us).toBe('number');
    expect(server.stdout).toMatch(/kv server stopped \(SIGTERM\): .*perturbed=2/);
  });

  it.each([
    [['--port', '0', '--bogus'], /^error: unknown flag --bogus; usage: kv-server .*--port <port>/],
    [['--port', 'x'], /^error: --port must be a number, got 'x'; usage: /],
    [['--port', '0', '--delta-us', '5'], /^error: --delta-us needs --delta-fraction or --delta-every; usage: /],
    [['--port', '0', '--delta-fraction', '0.1', '--delta-every', '3'], /exclusive/],
  ])('rejects bad flags %j with exit 2 and a usage line, no stack', async (args, message) => {
    const p = procs.add(new WorkloadProcess(KV_SERVER, args));
    expect((await p.wait(15_000)).code).toBe(2);
    expect(p.stderr).toMatch(message);
    expect(p.stderr).not.toMatch(/\n\s+at /);
  });
});
