// Workload bench: our generators and servers next to the standard tools, from one run on this node.
//   the generator noise floor: kv generator latency vs redis-benchmark -c 1 (the wire), idle and busy;
//   kv generator (max sustainable open-loop rate) vs redis-benchmark, both against redis-server;
//   kv server vs redis-server under the kv generator (and under redis-benchmark);
//   lb generator (max sustainable open-loop rate) vs wrk, against the same balancer.
// Needs redis-server, redis-benchmark (Debian redis-server, redis-tools) and wrk. Bounded: every probe
// has a timeout, each rate search its own time budget.
// Usage: node --import tsx bench/workloads.ts   (BENCH_WORKLOADS=fidelity,throughput,lb picks sections;
//        BENCH_REALTIME=1 runs the server and reference clients SCHED_FIFO, see workload-tools.ts;
//        BENCH_GENERATOR_ROOT=DIR measures the generators of another checkout instead of this one's;
//        BENCH_WORKLOADS=modes: the kv generator's send modes vs the paced client, BENCH_MODE_ROUNDS rounds (default 3);
//        BENCH_BEFORE_ROOT=DIR adds that checkout's kv generator to the noise floor, interleaved: before/after in one run)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GeneratorMetrics } from '../experiments/workloads/lib/metrics.ts';
import { measureFidelity } from './workload-fidelity.ts';
import { measureModes } from './generator-modes.ts';
import { BenchProcesses, GENERATOR_ROOT, GeneratorProbe, QUICK, REALTIME, ROOT, benchSeconds, maybeRealtime, node, redisBenchmark, run, stopProcess, wrk } from './workload-tools.ts';
import { freePort } from '../test/helpers/ports.ts';

/**
 * Time budget of one max-sustained-rate search (each search has its own: a budget shared by the whole
 * bench ran out during the sections before the lb search, which then stopped at its first probe and
 * reported its start rate, 1,000 req/s, as the lb generator's maximum).
 */
const SEARCH_BUDGET_MS = QUICK ? 20_000 : 120_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-workloads-'));
const procs = new BenchProcesses();
const gen = new GeneratorProbe(tmp);
/** Sections to run (`BENCH_WORKLOADS=fidelity,lb`); all by default. */
const SECTIONS = new Set((process.env.BENCH_WORKLOADS ?? 'fidelity,modes,throughput,lb').split(',').map((s) => s.trim()));

/**
 * Throughput at overload: offer far more than anyone can serve, no warm-up, and count what completed
 * per second (what a closed-loop tool such as redis-benchmark or wrk reports).
 */
async function capacity(generator: 'kv' | 'lb', port: number, overload: number, extra: string[] = [], connections = 4): Promise<number> {
  const m = await gen.probe(generator, port, Math.round(overload), { durationS: 1.5, warmupS: 0, extra, connections });
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
async function maxSustainedRate(generator: 'kv' | 'lb', port: number, start: number, extra: string[] = [], connections = 4): Promise<{ rate: number; p99us: number }> {
  const deadline = Date.now() + SEARCH_BUDGET_MS;
  let good = 0;
  let goodP99 = 0;
  let bad = 0;
  const tryRate = async (rate: number): Promise<boolean> => {
    // 3 s after a 1 s warm-up: a 1 s probe measures the generator's and the servers' JIT warm-up at each
    // new rate as much as the rate (the lb search found 3,750 req/s with 1 s probes, 6,000 with these).
    const m = await gen.probe(generator, port, rate, { extra, connections, durationS: benchSeconds(3), warmupS: benchSeconds(1) });
    if (!sustained(m)) return false;
    goodP99 = m!.latency_us.p99;
    return true;
  };
  if (await tryRate(start)) {
    good = start;
    for (let rate = start * 2, n = 0; n < 8 && Date.now() < deadline; rate *= 2, n++) {
      if (!(await tryRate(rate))) {
        bad = rate;
        break;
      }
      good = rate;
    }
  } else {
    bad = start;
    for (let rate = start / 2, n = 0; n < 4 && Date.now() < deadline; rate /= 2, n++) {
      if (await tryRate(rate)) {
        good = rate;
        break;
      }
      bad = rate;
    }
  }
  for (let step = 0; step < 3 && bad > 0 && good > 0 && Date.now() < deadline; step++) {
    const mid = Math.round((good + bad) / 2);
    if (await tryRate(mid)) good = mid;
    else bad = mid;
  }
  return { rate: good, p99us: good > 0 ? goodP99 : 0 };
}

const KV_GEN = ['--read-ratio', '1', '--keys', '10000', '--value-size', '64'];
/** Throughput runs offer at least this much kv load (above what one Node process can answer). */
const KV_OVERLOAD = 400_000;

type Row = [string, string, string, string];

async function throughputSection(rows: Row[], row: (name: string, ours: number, ref: number) => void, redisPort: number): Promise<string[]> {
  process.stderr.write('bench: redis-server: redis-benchmark, kv generator …\n');
  const rbRedis = (await redisBenchmark(redisPort, ['-n', '100000', '-q'])).rps;
  const rbRedisP16 = (await redisBenchmark(redisPort, ['-n', '100000', '-q', '-P', '16'])).rps;
  const kvMaxRedis = await maxSustainedRate('kv', redisPort, 10_000, KV_GEN);
  const kvCapRedis = await capacity('kv', redisPort, Math.max(3 * kvMaxRedis.rate, KV_OVERLOAD), KV_GEN);

  process.stderr.write('bench: kv server: redis-benchmark, kv generator …\n');
  const kvPort = await freePort();
  const kv = await procs.startServer(...node('experiments/workloads/kv/server.ts', ['--port', String(kvPort)]), /kv server listening/);
  const rbKv = (await redisBenchmark(kvPort, ['-n', '100000', '-q'])).rps;
  const kvMaxKv = await maxSustainedRate('kv', kvPort, 10_000, KV_GEN);
  const kvCapKv = await capacity('kv', kvPort, Math.max(3 * kvMaxKv.rate, KV_OVERLOAD), KV_GEN);
  await stopProcess(kv);

  row('kv generator vs redis-benchmark -c 50, throughput (redis-server)', kvCapRedis, rbRedis);
  row('kv generator vs redis-benchmark -P 16, throughput (redis-server)', kvCapRedis, rbRedisP16);
  row('kv generator max sustained open-loop rate vs its throughput', kvMaxRedis.rate, kvCapRedis);
  row('kv server vs redis-server, kv generator throughput', kvCapKv, kvCapRedis);
  row('kv server vs redis-server, kv generator max sustained rate', kvMaxKv.rate, kvMaxRedis.rate);
  row('kv server vs redis-server, redis-benchmark -c 50', rbKv, rbRedis);
  return [`(p99 at max sustained: kv->redis-server ${kvMaxRedis.p99us} us, kv->kv server ${kvMaxKv.p99us} us)`];
}

async function lbSection(row: (name: string, ours: number, ref: number) => void): Promise<string[]> {
  process.stderr.write('bench: lb balancer (rr, 2 backends): wrk, lb generator …\n');
  const backendPorts = [await freePort(), await freePort()];
  for (const [i, p] of backendPorts.entries()) await procs.startServer(...node('experiments/workloads/lb/backend.ts', ['--port', String(p), '--id', `b${i + 1}`]), /listening/);
  const lbPort = await freePort();
  await procs.startServer(...node('experiments/workloads/lb/balancer.ts', ['--port', String(lbPort), '--backends', backendPorts.map((p) => `127.0.0.1:${p}`).join(','), '--policy', 'rr']), /listening/);
  const wrk4 = await wrk(lbPort, 4);
  const wrk16 = await wrk(lbPort, 16);
  // 16 connections, as wrk -c16 (the balancer's concurrency is per connection's pipeline as much as per request).
  const lbMax = await maxSustainedRate('lb', lbPort, 1000, [], 16);
  const lbCap = await capacity('lb', lbPort, 3 * Math.max(lbMax.rate, wrk16), [], 16);
  row('lb generator (16 connections) vs wrk -t1 -c4, throughput (same balancer)', lbCap, wrk4);
  row('lb generator (16 connections) vs wrk -t1 -c16, throughput (same balancer)', lbCap, wrk16);
  row('lb generator max sustained open-loop rate vs wrk -c16 (target >= 0.5)', lbMax.rate, wrk16);
  return [`(p99 at max sustained: lb ${lbMax.p99us} us)`];
}

async function main(): Promise<void> {
  for (const tool of ['redis-server', 'redis-benchmark', 'wrk']) {
    await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
      throw new Error(`bench: ${tool} is missing (apt-get install redis-server redis-tools wrk)`);
    });
  }
  const rows: Row[] = [];
  const fmt = (n: number): string => `${n.toFixed(0)} req/s`;
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  const row = (name: string, ours: number, ref: number): number => rows.push([name, fmt(ours), fmt(ref), ratio(ours, ref)]);
  const notes: string[] = [];
  let fidelity: string[] = [];

  const redisPort = await freePort();
  const redis = await procs.startServer(...maybeRealtime(2, 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']), /Ready to accept connections/);
  if (SECTIONS.has('fidelity')) fidelity = (await measureFidelity(procs, gen, redisPort)).lines;
  if (SECTIONS.has('modes')) fidelity.push(...(await measureModes(gen, redisPort)));
  if (SECTIONS.has('throughput')) notes.push(...(await throughputSection(rows, row, redisPort)));
  await stopProcess(redis);
  if (SECTIONS.has('lb')) notes.push(...(await lbSection(row)));

  const w = Math.max(0, ...rows.map((r) => r[0].length));
  const lines = [
    `workload bench: one run, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)} at the end, all on 127.0.0.1` +
      (GENERATOR_ROOT !== ROOT ? `; generators from ${GENERATOR_ROOT}` : '') +
      (REALTIME ? '; BENCH_REALTIME: redis-server SCHED_FIFO 2, redis-benchmark and the Node clients SCHED_FIFO 1' : ''),
    ...fidelity,
    ...(rows.length
      ? [
          `${'comparison'.padEnd(w)}  ${'ours'.padStart(14)}  ${'reference'.padStart(14)}  ratio`,
          ...rows.map(([name, a, b, r]) => `${name.padEnd(w)}  ${a.padStart(14)}  ${b.padStart(14)}  ${r}`),
          'throughput: requests completed per second at overload (the generators offered 3x their max sustained rate or more; redis-benchmark and wrk are closed-loop).',
          `max sustained: highest open-loop rate sent on schedule (send lag p99 <= ${MAX_SEND_LAG_P99_US / 1000} ms), >= 99 % answered, p99 <= ${SLO_P99_US / 1000} ms, no error or timeout`,
          ...notes,
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  await procs.stopAll();
  rmSync(tmp, { recursive: true, force: true });
}
