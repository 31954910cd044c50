// The balancer and backends as real processes on loopback: each policy's distribution, pipelining,
// failures, the truth log, wrk (Debian wrk; the test fails, not skips, without it), clean shutdown.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/ports.ts';
import { ProcessList, WorkloadProcess } from '../helpers/workload-process.ts';
import { LB_BALANCER, TestClient, countByBackend, startBackend, startBalancer, type Reply } from './lb-processes.ts';

const run = promisify(execFile);
const procs = new ProcessList();
const clients: TestClient[] = [];
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lb-'));
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await procs.stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

function client(port: number, sockets = 4): TestClient {
  const c = new TestClient(port, sockets);
  clients.push(c);
  return c;
}

async function backends(n: number, args: (i: number) => string[] = () => []): Promise<number[]> {
  const started = await Promise.all(Array.from({ length: n }, (_, i) => startBackend(procs, `b${i + 1}`, args(i))));
  return started.map((b) => b.port);
}

// `count` GETs with at most `concurrency` in flight; paths /k/<i>, key header x-lb-key: key:<i mod keys>.
async function load(c: TestClient, count: number, concurrency: number, keys = count): Promise<Reply[]> {
  const replies: Reply[] = new Array<Reply>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      replies[i] = await c.get(`/k/${i}`, { 'x-lb-key': `key:${i % keys}` });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return replies;
}

function readJsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('lb balancer policies', () => {
  it('round-robin spreads sequential requests exactly evenly and proxies status, headers and body', async () => {
    const ports = await backends(3);
    const lb = await startBalancer(procs, ports, ['--policy', 'rr']);
    const replies = await load(client(lb.port, 1), 300, 1);
    expect(countByBackend(replies)).toEqual({ b1: 100, b2: 100, b3: 100 });
    expect(replies[0]).toMatchObject({ status: 200, body: 'b1 GET /k/0\n', headers: { 'x-lb-backend': `127.0.0.1:${ports[0]}`, 'x-backend-id': 'b1' } });
    expect(replies[4]!.body).toBe('b2 GET /k/4\n');
  });

  it('least-connections sends less to a slow backend than round-robin does', async () => {
    // b1 spends 15 ms of CPU per request, so its requests stay in flight; b2 and b3 answer at once.
    const ports = await backends(3, (i) => (i === 0 ? ['--delay-us', '15000'] : []));
    const share = async (policy: string): Promise<number> => {
      const lb = await startBalancer(procs, ports, ['--policy', policy]);
      const counts = countByBackend(await load(client(lb.port, 6), 180, 6));
      return (counts.b1 ?? 0) / 180;
    };
    const rr = await share('rr');
    const leastConn = await share('least-conn');
    // rr is blind to load: exactly a third, however fast the machine. least-conn sends less to the backend
    // that keeps requests in flight; how much less depends on the machine's speed, so only the order is asserted.
    expect(rr).toBeCloseTo(1 / 3, 6);
    expect(leastConn, `least-conn share of the slow backend ${leastConn} vs rr ${rr}`).toBeLessThan(rr);
  });

  it('consistent hashing keeps each key on one backend and moves only the removed backend’s keys', async () => {
    const ports = await backends(3);
    const lb = await startBalancer(procs, ports, ['--policy', 'consistent-hash']);
    const c = client(lb.port);
    const first = await load(c, 300, 4, 150); // keys 0..149, each requested twice
    const owner = new Map<string, string>();
    first.forEach((r, i) => {
      const key = `key:${i % 150}`;
      const b = String(r.headers['x-backend-id']);
      if (owner.has(key)) expect(b, key).toBe(owner.get(key));
      owner.set(key, b);
    });
    const counts = countByBackend(first);
    for (const b of ['b1', 'b2', 'b3']) expect(counts[b]).toBeGreaterThan(40);

    // The same balancer without b2: keys of b1 and b3 stay put, b2's keys move to them.
    await lb.proc.stop();
    const smaller = await startBalancer(procs, [ports[0]!, ports[2]!], ['--policy', 'consistent-hash']);
    const second = await load(client(smaller.port), 150, 4, 150);
    second.forEach((r, i) => {
      const before = owner.get(`key:${i}`)!;
      const after = String(r.headers['x-backend-id']);
      if (before === 'b2') expect(after).not.toBe('b2');
      else expect(after, `key:${i}`).toBe(before);
    });
  });

  it('hashes the path when asked (--hash-key path), so every request for a path goes to one backend', async () => {
    const ports = await backends(3);
    const lb = await startBalancer(procs, ports, ['--policy', 'consistent-hash', '--hash-key', 'path']);
    const c = client(lb.port);
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(String((await c.get('/same', { 'x-lb-key': `key:${i}` })).headers['x-backend-id']));
    expect(ids.size).toBe(1);
  });
});

describe('lb balancer protocol and failures', () => {
  it('answers pipelined requests in order even when backends finish out of order', async () => {
    const ports = await backends(2, (i) => (i === 0 ? ['--delay-us', '5000'] : []));
    const lb = await startBalancer(procs, ports, ['--policy', 'rr']);
    const paths = Array.from({ length: 20 }, (_, i) => `/p/${i}`);
    const raw = paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const got = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: lb.port });
      let data = '';
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`timeout; got ${data.length} bytes`));
      }, 10_000);
      s.on('data', (d) => {
        data += d.toString();
        if ((data.match(/HTTP\/1\.1 200/g) ?? []).length === paths.length && data.endsWith(`${paths.at(-1)}\n`)) {
          clearTimeout(timer);
          s.destroy();
          resolve(data);
        }
      });
      s.on('error', reject);
      s.write(raw); // all requests in one write: a pipelined burst
    });
    const bodies = [...got.matchAll(/\r\n\r\n(b\d GET \/p\/\d+)\n/g)].map((m) => m[1]);
    expect(bodies).toEqual(paths.map((p, i) => `b${(i % 2) + 1} GET ${p}`));
  });

  it('answers 502 naming the backend when it is down, and counts the failure in the truth summary', async () => {
    const dead = await freePort();
    const [alive] = await backends(1);
    const truth = path.join(tmp, 'routes.jsonl');
    const lb = await startBalancer(procs, [dead, alive!], ['--policy', 'rr', '--truth-file', truth]);
    const c = client(lb.port, 1);
    const a = await c.get('/x');
    const b = await c.get('/y');
    expect(a.status).toBe(502);
    expect(a.headers['x-lb-backend']).toBe(`127.0.0.1:${dead}`);
    expect(a.body).toMatch(/^bad gateway: 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(b.status).toBe(200);
    expect(await lb.proc.stop()).toEqual({ code: 0, signal: null });
    expect(readJsonLines(truth).at(-1)).toMatchObject({ type: 'summary', requests: 2, upstream_errors: 1 });
  });

  it('is driven by wrk (keep-alive, 4 connections) without errors', async () => {
    const ports = await backends(2);
    const lb = await startBalancer(procs, ports, ['--policy', 'least-conn']);
    const { stdout } = await run('wrk', ['-t1', '-c4', '-d1s', `http://127.0.0.1:${lb.port}/`], { timeout: 20_000 });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
    expect(rps).toBeGreaterThan(0); // it was served; how fast is a bench figure (bench/workloads.ts: lb vs wrk)
    expect(stdout).not.toMatch(/Non-2xx|Socket errors/);
    await lb.proc.stop();
    expect(lb.proc.stdout).toMatch(/lb balancer stopped \(SIGTERM\): requests=\d+ .* upstream_errors=0/);
  });
});

describe('lb truth log', () => {
  it('records a seeded sample of routing decisions up to the limit, then a summary of every request', async () => {
    const ports = await backends(2);
    const truth = path.join(tmp, 'truth', 'routes.jsonl');
    const lb = await startBalancer(procs, ports, ['--policy', 'rr', '--truth-file', truth, '--truth-sample', '0.5', '--truth-limit', '40', '--seed', '7']);
    await load(client(lb.port), 300, 4);
    expect(await lb.proc.stop()).toEqual({ code: 0, signal: null });
    const lines = readJsonLines(truth);
    const routes = lines.filter((l) => l.type === 'route');
    const summary = lines.at(-1)!;
    expect(routes).toHaveLength(40);
    expect(summary).toMatchObject({ type: 'summary', policy: 'rr', requests: 300, recorded: 40, sample: 0.5, limit: 40, upstream_errors: 0 });
    expect(summary.sampled as number).toBeGreaterThan(110);
    expect(summary.sampled as number).toBeLessThan(190);
    expect(summary.dropped_over_limit).toBe((summary.sampled as number) - 40);
    expect(Object.values(summary.per_backend as Record<string, number>)).toEqual([150, 150]);
    const seqs = routes.map((r) => r.seq as number);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(seqs.at(-1)!).toBeLessThan(300);
    expect(seqs.length).toBeLessThan(seqs.at(-1)!); // sampled: not every request is there
    expect(routes[0]).toMatchObject({ method: 'GET', backend: expect.stringMatching(/^127\.0\.0\.1:\d+$/), in_flight: expect.any(Number) });
    for (const r of routes) expect(r.backend_index).toBe(((r.seq as number) - 1) % 2); // rr: request n → backend (n−1) mod 2
  });

  it('with sample 1 records every request; bad flags exit 2 with a usage line', async () => {
    const ports = await backends(1);
    const truth = path.join(tmp, 'all.jsonl');
    const lb = await startBalancer(procs, ports, ['--truth-file', truth]);
    await load(client(lb.port), 25, 2);
    await lb.proc.stop();
    expect(readJsonLines(truth).filter((l) => l.type === 'route').map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const bad = procs.add(new WorkloadProcess(LB_BALANCER, ['--port', '0', '--backends', '127.0.0.1:1', '--policy', 'random']));
    expect((await bad.wait(15_000)).code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --policy must be one of rr\|least-conn\|consistent-hash, got 'random'; usage: lb-balancer /);
  });
});
