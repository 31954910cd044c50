// Processes and tools the workload bench drives: servers, generator probes, redis-benchmark, wrk,
// CPU-bound neighbours. Every process the bench starts it stops itself, by pid.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { GeneratorMetrics } from '../experiments/workloads/lib/metrics.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Where the generators under test live: this checkout, or another copy of the repository
 * (`BENCH_GENERATOR_ROOT`) so one bench run can measure an older generator for a before/after figure.
 */
export const GENERATOR_ROOT = path.resolve(process.env.BENCH_GENERATOR_ROOT ?? ROOT);
/**
 * `BENCH_BEFORE_ROOT=DIR`: another checkout (with node_modules) whose kv generator the noise-floor
 * section measures too, interleaved with this one's against the same server and wire: before/after
 * figures from one run.
 */
export const BEFORE_ROOT = process.env.BENCH_BEFORE_ROOT ? path.resolve(process.env.BENCH_BEFORE_ROOT) : undefined;
export const run = promisify(execFile);
/**
 * `BENCH_REALTIME=1`: the server under test runs SCHED_FIFO 2 and the closed-loop reference clients
 * SCHED_FIFO 1 (chrt, root), so that on a machine crowded with other work the comparison is between
 * the generator and the wire, not between the machine's stalls; pair it with the --realtime rows.
 */
export const REALTIME = process.env.BENCH_REALTIME === '1';
/** `npm run bench -- --quick`: every step once at small sizes; a step that fails is a broken bench. */
export const QUICK = process.env.BENCH_QUICK === '1';
/** A duration in seconds, cut to a fifth (at least 0.5 s) in quick mode. */
export const benchSeconds = (s: number): number => (QUICK ? Math.max(0.5, s / 5) : s);

// A command line, under chrt at `priority` when BENCH_REALTIME is set.
export function maybeRealtime(priority: number, cmd: string, args: string[]): [string, string[]] {
  return REALTIME ? ['chrt', ['-f', String(priority), cmd, ...args]] : [cmd, args];
}

/** Percentiles in µs, as every latency row of the bench prints them. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

/** Processes started by the bench, stopped in reverse order at the end (or earlier by their owner). */
export class BenchProcesses {
  private readonly started: ChildProcess[] = [];

  // Start a server and wait until its output matches `ready` (15 s at most).
  async startServer(cmd: string, args: string[], ready: RegExp): Promise<ChildProcess> {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.started.push(child);
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

  // `n` CPU-bound neighbours (`yes > /dev/null`), the "busy machine" of the fidelity targets.
  startCpuHogs(n: number): ChildProcess[] {
    const devNull = openSync('/dev/null', 'w');
    try {
      const hogs = Array.from({ length: n }, () => spawn('yes', [], { stdio: ['ignore', devNull, 'ignore'] }));
      this.started.push(...hogs);
      return hogs;
    } finally {
      closeSync(devNull);
    }
  }

  async stopAll(): Promise<void> {
    for (const child of this.started.reverse()) await stopProcess(child);
  }
}

// SIGTERM, then SIGKILL after 5 s; by pid only.
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface ProbeOptions {
  durationS?: number;
  warmupS?: number;
  connections?: number;
  extra?: string[];
  /** The checkout whose generator runs. @default GENERATOR_ROOT */
  root?: string;
  /** Flags of the `node` command, as the catalog's workloads start generators. @default ['--single-threaded-gc'] */
  nodeFlags?: string[];
}

/** Runs open-loop generator probes, numbering their metrics files in one temp folder. */
export class GeneratorProbe {
  private count = 0;
  constructor(private readonly tmp: string) {}

  // One open-loop generator run; undefined if it failed to run at all.
  async probe(generator: 'kv' | 'lb', port: number, rate: number, o: ProbeOptions = {}): Promise<GeneratorMetrics | undefined> {
    const file = path.join(this.tmp, `probe-${++this.count}.json`);
    const args = [...(o.nodeFlags ?? ['--single-threaded-gc']), '--import', 'tsx', path.join(o.root ?? GENERATOR_ROOT, `experiments/workloads/${generator}/generator.ts`), '--port', String(port), '--rate', String(rate),
      '--duration-s', String(o.durationS ?? 1), '--warmup-s', String(o.warmupS ?? 0.3), '--arrival', 'poisson', '--connections', String(o.connections ?? 4),
      '--metrics-file', file, ...(o.extra ?? [])];
    try {
      await run(process.execPath, args, { cwd: ROOT, timeout: 60_000 });
      return JSON.parse(readFileSync(file, 'utf8')) as GeneratorMetrics;
    } catch (err) {
      process.stderr.write(`bench: ${generator} generator at ${rate} req/s failed: ${(err as Error).message.split('\n')[0]}\n`);
      if (QUICK) throw err; // quick mode checks that every step works
      return undefined;
    }
  }
}

/** redis-benchmark's figures: throughput and latency percentiles (µs). */
export interface RedisBenchmarkResult extends Percentiles {
  rps: number;
}

/**
 * Run redis-benchmark's GET test. p50 and p99 come from its summary line (exact); p90 and p99.9 from its
 * percentile distribution: the value at the first listed percentile at or above the one asked for.
 */
export async function redisBenchmark(port: number, extra: string[]): Promise<RedisBenchmarkResult> {
  const { stdout } = await run(...maybeRealtime(1, 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'get', '-r', '10000', '-d', '64', ...extra]), { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return parseRedisBenchmark(stdout);
}

export function parseRedisBenchmark(stdout: string): RedisBenchmarkResult {
  const rps = /throughput summary: ([\d.]+) requests per second/.exec(stdout) ?? /GET: ([\d.]+) requests per second/.exec(stdout);
  if (!rps) throw new Error(`redis-benchmark printed no GET rate:\n${stdout.slice(-2000)}`);
  const summary = /avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(stdout);
  const dist = [...stdout.matchAll(/^\s*([\d.]+)% <= ([\d.]+) milliseconds/gm)].map((m) => ({ pct: Number(m[1]), us: Number(m[2]) * 1000 }));
  const atOrAbove = (p: number): number => Math.round(dist.find((d) => d.pct >= p)?.us ?? Number.NaN);
  const us = (ms: string | undefined): number => Math.round(Number(ms) * 1000);
  return { rps: Number(rps[1]), p50: summary ? us(summary[3]) : atOrAbove(50), p90: atOrAbove(90), p99: summary ? us(summary[5]) : atOrAbove(99), p999: atOrAbove(99.9) };
}

// The minimal closed-loop Node client (bench/closed-loop-client.ts) for `requests` GETs, `gapUs` apart.
/** The paced client's figures; `from_intended` (paced only) counts from when each request was due. */
export interface PacedPercentiles extends Percentiles {
  from_intended?: Percentiles;
}

export async function closedLoopNode(port: number, requests: number, gapUs = 0): Promise<PacedPercentiles> {
  const { stdout } = await run(...maybeRealtime(1, process.execPath, ['--import', 'tsx', 'bench/closed-loop-client.ts', String(port), String(requests), String(gapUs)]), { cwd: ROOT, timeout: 120_000 });
  return JSON.parse(stdout) as PacedPercentiles;
}

export async function wrk(port: number, connections: number): Promise<number> {
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, '-d2s', `http://127.0.0.1:${port}/`], { timeout: 30_000 });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`wrk printed no rate:\n${stdout}`);
  return Number(m[1]);
}

export const node = (script: string, args: string[]): [string, string[]] => [process.execPath, ['--import', 'tsx', script, ...args]];
