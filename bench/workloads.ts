// Workload bench: our generators and servers next to the standard tools, from one run on this node.
//   kv generator (max sustainable open-loop rate) vs redis-benchmark, both against redis-server;
//   kv server vs redis-server under the kv generator (and under redis-benchmark);
//   lb generator (max sustainable open-loop rate) vs wrk, against the same balancer.
// Needs redis-server, redis-benchmark (Debian redis-server, redis-tools) and wrk. Bounded: every probe
// has a timeout, the searches a probe budget, the whole bench a deadline (~1–2 minutes).
// Usage: node --import tsx bench/workloads.ts
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { GeneratorMetrics } from '../experiments/workloads/lib/metrics.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
// BENCH_QUICK=1 (npm run bench -- --quick): every step once, small sizes, a short deadline.
const QUICK = process.env.BENCH_QUICK === '1';
const DEADLINE = Date.now() + (QUICK ? 10_000 : 170_000);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-workloads-'));
const started: ChildProcess[] = [];

/** A server process started by the bench; stopped by its pid only. */
async function startServer(cmd: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const end = Date.now() + 15_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`${cmd} ${args.join(' ')} did not become ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface ProbeOptions {
  durationS?: number;
  warmupS?: number;
  extra?: string[];
}

// One open-loop generator run; undefined if it failed to run at all.
let probeNo = 0;
async function probe(generator: 'kv' | 'lb', port: number, rate: number, o: ProbeOptions = {}): Promise<GeneratorMetrics | undefined> {
  const file = path.join(tmp, `probe-${++probeNo}.json`);
  const args = ['--import', 'tsx', `experiments/workloads/${generator}/generator.ts`, '--port', String(port), '--rate', String(rate),
    '--duration-s', String(o.durationS ?? 1), '--warmup-s', String(o.warmupS ?? 0.3), '--arrival', 'poisson', '--connections', '4',
    '--metrics-file', file, ...(o.extra ?? [])];
  try {
    await run(process.execPath, args, { cwd: ROOT, timeout: 30_000 });
    return JSON.parse(readFileSync(file, 'utf8')) as GeneratorMetrics;
  } catch (err) {
    if (QUICK) throw err; // quick mode checks that every step works: a generator that fails is a broken bench
    return undefined;
  }
}

/**
 * Throughput at overload: offer far more than anyone can serve, no warm-up, and count what completed
 * per second (what a closed-loop tool such as redis-benchmark or wrk reports).
 */
async function capacity(generator: 'kv' | 'lb', port: number, overload: number, extra: string[] = []): Promise<number> {
  const m = await probe(generator, port, Math.round(overload), { durationS: 1.5, warmupS: 0, extra });
  return m?.achieved_rps ?? 0;
}

/** Latency bound of "sustained": p99 at most this (µs). */
const SLO_P99_US = 20_000;
/** Generator lateness tolerated: send lag p99 at most this (µs). */
const MAX_SEND_LAG_P99_US = 5_000;

// Sustained: requests sent on schedule (send rate ≥ 99 %, none abandoned, send lag p99 ≤ 5 ms), ≥ 99 % of
// the offered rate answered with p99 ≤ 20 ms, no error, no timeout. Rare lag spikes (a GC pause) pass.
function sustained(m: GeneratorMetrics | undefined): boolean {
  if (!m) return false;
  const s = m.schedule;
  const onSchedule = s.achieved_send_rps >= 0.99 * m.offered_rps && s.unsent === 0 && s.send_lag_us.p99 <= MAX_SEND_LAG_P99_US;
  return onSchedule && m.achieved_rps >= 0.99 * m.offered_rps && m.latency_us.p99 <= SLO_P99_US && m.errors === 0 && m.timeouts === 0;
}

/**
 * The highest offered rate sustained against a target: from `start`, halve until one is sustained (at most
 * 4 times) or double while they are (at most 8 times), then bisect between the last good and first bad rate.
 */
async function maxSustainedRate(generator: 'kv' | 'lb', port: number, start: number, extra: string[] = []): Promise<{ rate: number; p99us: number }> {
  let good = 0;
  let goodP99 = 0;
  let bad = 0;
  const tryRate = async (rate: number): Promise<boolean> => {
    const m = await probe(generator, port, rate, { extra });
    if (!sustained(m)) return false;
    goodP99 = m!.latency_us.p99;
    return true;
  };
  if (await tryRate(start)) {
    good = start;
    for (let rate = start * 2, n = 0; n < 8 && Date.now() < DEADLINE; rate *= 2, n++) {
      if (!(await tryRate(rate))) {
        bad = rate;
        break;
      }
      good = rate;
    }
  } else {
    bad = start;
    for (let rate = start / 2, n = 0; n < 4 && Date.now() < DEADLINE; rate /= 2, n++) {
      if (await tryRate(rate)) {
        good = rate;
        break;
      }
      bad = rate;
    }
  }
  for (let step = 0; step < 3 && bad > 0 && good > 0 && Date.now() < DEADLINE; step++) {
    const mid = Math.round((good + bad) / 2);
    if (await tryRate(mid)) good = mid;
    else bad = mid;
  }
  return { rate: good, p99us: good > 0 ? goodP99 : 0 };
}

async function redisBenchmark(port: number, extra: string[]): Promise<number> {
  const { stdout } = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'get', '-n', QUICK ? '5000' : '100000', '-r', '10000', '-d', '64', '-q', ...extra], { timeout: 60_000 });
  const m = /GET: ([\d.]+) requests per second/.exec(stdout);
  if (!m) throw new Error(`redis-benchmark printed no GET rate:\n${stdout}`);
  return Number(m[1]);
}

async function wrk(port: number, connections: number): Promise<number> {
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, QUICK ? '-d1s' : '-d2s', `http://127.0.0.1:${port}/`], { timeout: 30_000 });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`wrk printed no rate:\n${stdout}`);
  return Number(m[1]);
}

const node = (script: string, args: string[]): [string, string[]] => [process.execPath, ['--import', 'tsx', script, ...args]];
const KV_GEN = ['--read-ratio', '1', '--keys', '10000', '--value-size', '64'];
/** Throughput runs offer at least this much kv load (above what one Node process can answer). */
const KV_OVERLOAD = 400_000;

async function main(): Promise<void> {
  for (const tool of ['redis-server', 'redis-benchmark', 'wrk']) {
    await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
      throw new Error(`bench: ${tool} is missing (apt-get install redis-server redis-tools wrk)`);
    });
  }
  const rows: [string, string, string, string][] = [];
  const fmt = (n: number): string => `${n.toFixed(0)} req/s`;
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  const row = (name: string, ours: number, ref: number): number => rows.push([name, fmt(ours), fmt(ref), ratio(ours, ref)]);

  process.stderr.write('bench: redis-server: redis-benchmark, kv generator …\n');
  const redisPort = await freePort();
  const redis = await startServer('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  const rbRedis = await redisBenchmark(redisPort, []);
  const rbRedisP16 = await redisBenchmark(redisPort, ['-P', '16']);
  const kvMaxRedis = await maxSustainedRate('kv', redisPort, 10_000, KV_GEN);
  const kvCapRedis = await capacity('kv', redisPort, Math.max(3 * kvMaxRedis.rate, KV_OVERLOAD), KV_GEN);
  await stopServer(redis);

  process.stderr.write('bench: kv server: redis-benchmark, kv generator …\n');
  const kvPort = await freePort();
  const kv = await startServer(...node('experiments/workloads/kv/server.ts', ['--port', String(kvPort)]), /kv server listening/);
  const rbKv = await redisBenchmark(kvPort, []);
  const kvMaxKv = await maxSustainedRate('kv', kvPort, 10_000, KV_GEN);
  const kvCapKv = await capacity('kv', kvPort, Math.max(3 * kvMaxKv.rate, KV_OVERLOAD), KV_GEN);
  await stopServer(kv);

  row('kv generator vs redis-benchmark -c 50, throughput (redis-server)', kvCapRedis, rbRedis);
  row('kv generator vs redis-benchmark -P 16, throughput (redis-server)', kvCapRedis, rbRedisP16);
  row('kv generator max sustained open-loop rate vs its throughput', kvMaxRedis.rate, kvCapRedis);
  row('kv server vs redis-server, kv generator throughput', kvCapKv, kvCapRedis);
  row('kv server vs redis-server, kv generator max sustained rate', kvMaxKv.rate, kvMaxRedis.rate);
  row('kv server vs redis-server, redis-benchmark -c 50', rbKv, rbRedis);

  process.stderr.write('bench: lb balancer (rr, 2 backends): wrk, lb generator …\n');
  const backendPorts = [await freePort(), await freePort()];
  for (const [i, p] of backendPorts.entries()) await startServer(...node('experiments/workloads/lb/backend.ts', ['--port', String(p), '--id', `b${i + 1}`]), /listening/);
  const lbPort = await freePort();
  await startServer(...node('experiments/workloads/lb/balancer.ts', ['--port', String(lbPort), '--backends', backendPorts.map((p) => `127.0.0.1:${p}`).join(','), '--policy', 'rr']), /listening/);
  const wrk4 = await wrk(lbPort, 4);
  const wrk16 = await wrk(lbPort, 16);
  const lbMax = await maxSustainedRate('lb', lbPort, 1000);
  const lbCap = await capacity('lb', lbPort, 3 * Math.max(lbMax.rate, wrk16));
  row('lb generator vs wrk -t1 -c4, throughput (same balancer)', lbCap, wrk4);
  row('lb generator vs wrk -t1 -c16, throughput (same balancer)', lbCap, wrk16);
  row('lb generator max sustained open-loop rate vs wrk -c16', lbMax.rate, wrk16);

  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = [
    `workload bench: one run, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)} at the end, all on 127.0.0.1`,
    `${'comparison'.padEnd(w)}  ${'ours'.padStart(14)}  ${'reference'.padStart(14)}  ratio`,
    ...rows.map(([name, a, b, r]) => `${name.padEnd(w)}  ${a.padStart(14)}  ${b.padStart(14)}  ${r}`),
    'throughput: requests completed per second at overload (the generators offered 3x their max sustained rate or more; redis-benchmark and wrk are closed-loop).',
    `max sustained: highest open-loop rate sent on schedule (send lag p99 <= ${MAX_SEND_LAG_P99_US / 1000} ms), >= 99 % answered, p99 <= ${SLO_P99_US / 1000} ms, no error or timeout`,
    `(p99 there: kv->redis-server ${kvMaxRedis.p99us} us, kv->kv server ${kvMaxKv.p99us} us, lb ${lbMax.p99us} us).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  for (const child of started.reverse()) await stopServer(child);
  rmSync(tmp, { recursive: true, force: true });
}
