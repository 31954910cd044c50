// Where the kv generator's late sends come from on this machine: one run against redis-server with
// `--trace-sends`, under `perf sched record -k CLOCK_MONOTONIC` (every context switch of every CPU),
// then each send later than BENCH_LATE_US (default 500 µs) is put down to what the generator's main thread
// was doing between the send's intended time and its departure (bench/sched-attribution.ts).
// Usage: node --import tsx bench/send-lag-causes.ts   (root: perf sched needs tracepoints;
//        BENCH_SEND_MODE=busy-poll for the other mode; BENCH_GC=parallel for V8's default GC threads
//        instead of the catalog's `node --single-threaded-gc`; BENCH_QUICK=1: a 2 s run)
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GeneratorMetrics } from '../experiments/workloads/lib/metrics.ts';
import { freePort } from '../test/helpers/ports.ts';
import { attributeLateSends, parseSendTrace, parseTimehist, summarize } from './sched-attribution.ts';
import { BenchProcesses, GeneratorProbe, benchSeconds, run } from './workload-tools.ts';

const LATE_US = Number(process.env.BENCH_LATE_US ?? 500);
const SEND_MODE = process.env.BENCH_SEND_MODE ?? 'sleep';
const RATE = 2000;
const NODE_FLAGS = process.env.BENCH_GC === 'parallel' ? [] : ['--single-threaded-gc'];

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'send-lag-'));
  const procs = new BenchProcesses();
  try {
    await run('perf', ['--version']).catch(() => {
      throw new Error('perf is missing (Debian: linux-perf)');
    });
    const port = await freePort();
    await procs.startServer('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    const data = path.join(tmp, 'sched.data');
    const perf = spawn('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-o', data], { stdio: ['ignore', 'ignore', 'pipe'] });
    let perfErr = '';
    perf.stderr!.on('data', (d: Buffer) => (perfErr += d.toString()));
    const perfExit = new Promise<number | null>((resolve) => perf.once('exit', (code) => resolve(code)));
    let metrics: GeneratorMetrics | undefined;
    const traceFile = path.join(tmp, 'sends.jsonl');
    try {
      await new Promise((r) => setTimeout(r, 500)); // perf is recording
      if (perf.exitCode !== null) throw new Error(`perf sched record exited at once (needs root and tracefs): ${perfErr.trim()}`);
      const durationS = benchSeconds(10);
      process.stderr.write(`bench: send-lag causes: kv generator at ${RATE} req/s for ${durationS} s (${SEND_MODE}) under perf sched record …\n`);
      metrics = await new GeneratorProbe(tmp).probe('kv', port, RATE, {
        durationS,
        warmupS: 1,
        nodeFlags: NODE_FLAGS,
        extra: ['--read-ratio', '1', '--keys', '10000', '--send-mode', SEND_MODE, '--trace-sends', traceFile],
      });
    } finally {
      if (perf.exitCode === null) perf.kill('SIGINT');
      await perfExit;
    }
    if (!metrics) throw new Error('the kv generator failed (see above)');
    const out = path.join(tmp, 'timehist.txt');
    const fd = openSync(out, 'w');
    try {
      await new Promise<void>((resolve, reject) => {
        const th = spawn('perf', ['sched', 'timehist', '-i', data], { stdio: ['ignore', fd, 'ignore'] });
        th.once('error', reject);
        th.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`perf sched timehist exited ${code}`))));
      });
    } finally {
      closeSync(fd);
    }
    const trace = parseSendTrace(readFileSync(traceFile, 'utf8'));
    const late = attributeLateSends(trace, parseTimehist(readFileSync(out, 'utf8')), LATE_US, new Map([[process.pid, 'this bench (the generator\'s parent)']]));
    const lag = metrics.schedule.send_lag_us;
    const gcMs = trace.gcs.reduce((a, g) => a + g.gc_ms, 0);
    const lines = [
      `kv generator at ${RATE} req/s, ${SEND_MODE} mode, ${metrics.schedule.gc ?? 'parallel'} GC, ${trace.sends.length} measured sends; send lag p50 ${lag.p50} / p99 ${lag.p99} / max ${lag.max} µs; latency p99 ${metrics.latency_us.p99} µs; load average ${os.loadavg()[0]!.toFixed(2)}`,
      `sends later than ${LATE_US} µs: ${late.length} (${((100 * late.length) / Math.max(1, trace.sends.length)).toFixed(2)} %), by what the generator's main thread was doing meanwhile:`,
      ...summarize(late, trace.sends.length),
      `garbage collections in the window: ${trace.gcs.length}, ${gcMs.toFixed(1)} ms in all, longest ${Math.max(0, ...trace.gcs.map((g) => g.gc_ms)).toFixed(1)} ms`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await procs.stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main().catch((err: Error) => {
  process.stderr.write(`bench: send-lag causes: ${err.message}\n`);
  process.exitCode = 1;
});
