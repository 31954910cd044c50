import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeSync, constants as fsc } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { CliError } from './args.ts';

/**
 * How the scheduler reached a send: after the pacer's precise wait (`pacer`), woken by the alarm thread
 * while requests were in flight (`alarm`), by a libuv timer (`timer`), on the next event-loop turn
 * (`immediate`: a backlog, a response that emptied the flight, or a wait too short to sleep), after a
 * busy-poll spin (`spin`), or at the very start (`start`).
 */
export const SEND_PATHS = ['start', 'timer', 'immediate', 'pacer', 'alarm', 'spin'] as const;
export type SendPath = (typeof SEND_PATHS)[number];
export const PATH_CODE: Readonly<Record<SendPath, number>> = Object.freeze({ start: 0, timer: 1, immediate: 2, pacer: 3, alarm: 4, spin: 5 });

/** Format tag of the file's first line. */
export const SEND_TRACE_FORMAT = 'send-trace/1';
/** Most sends kept (about 24 bytes each in memory); later ones are counted as `dropped`. */
export const SEND_TRACE_MAX = 2_000_000;

/**
 * A per-send record of the measured requests: when each left, how late, by which wait path, with how many
 * requests in flight; and the garbage collections of the window. It answers "where does the send lag
 * come from" beside a scheduler trace (`bench/send-lag-causes.ts`): times are also given on
 * CLOCK_MONOTONIC, the clock `perf sched record -k CLOCK_MONOTONIC` stamps events with.
 * Recording allocates nothing per send (typed arrays grown by doubling), so it does not add the garbage
 * collections it would report.
 */
export class SendTrace {
  private at = new Float64Array(4096);
  private lag = new Float32Array(4096);
  private via = new Uint8Array(4096);
  private inflight = new Uint32Array(4096);
  private n = 0;
  private dropped = 0;
  private readonly gcs: number[] = [];
  private observer: PerformanceObserver | undefined;
  /** CLOCK_MONOTONIC ms minus performance.now() ms (libuv's hrtime is CLOCK_MONOTONIC). */
  private readonly monoOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

  private fd: number | undefined;
  /** This process's threads when the trace was opened (Node's and V8's own), and when the run started. */
  private readonly earlyThreads = threadIds();
  private runThreads: number[] = [];

  /** Opens `file` at once, so a bad path fails before the run rather than after it. */
  constructor(
    readonly file: string,
    private readonly max = SEND_TRACE_MAX,
  ) {
    this.fd = openRegularFile(file);
  }

  get count(): number {
    return this.n;
  }

  /** Start observing garbage collections (from the start of the run). */
  start(): void {
    this.runThreads = threadIds();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.gcs.push(e.startTime, e.duration, gcKind(e));
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** A measured send at `atMs` (performance.now() clock), `lagUs` after its intended time. */
  record(atMs: number, lagUs: number, via: number, inflight: number): void {
    if (this.n === this.at.length && !this.grow()) {
      this.dropped++;
      return;
    }
    this.at[this.n] = atMs;
    this.lag[this.n] = lagUs;
    this.via[this.n] = via;
    this.inflight[this.n] = inflight;
    this.n++;
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  /**
   * Write the trace as JSON Lines and close the file: a header, one line per send (`at_ms` from the
   * measurement start), one per garbage collection that ended in the window.
   */
  write(meta: { measureStartMs: number; rate: number; sendMode: string }): void {
    const lines: string[] = [
      JSON.stringify({
        format: SEND_TRACE_FORMAT,
        pid: process.pid,
        rate: meta.rate,
        send_mode: meta.sendMode,
        measure_start_mono_ms: round3(meta.measureStartMs + this.monoOffsetMs),
        sends: this.n,
        dropped: this.dropped,
        paths: SEND_PATHS,
        // Threads other than the main one: Node's and V8's helpers (GC, compiler, libuv), then those
        // started for the run (the scheduler's alarm thread).
        helper_threads: this.earlyThreads.filter((t) => t !== process.pid),
        run_threads: this.runThreads.filter((t) => !this.earlyThreads.includes(t)),
      }),
    ];
    for (let i = 0; i < this.n; i++) {
      lines.push(`{"at_ms":${round3(this.at[i]! - meta.measureStartMs)},"lag_us":${round1(this.lag[i]!)},"via":"${SEND_PATHS[this.via[i]!]}","inflight":${this.inflight[i]}}`);
    }
    for (let i = 0; i < this.gcs.length; i += 3) {
      const end = this.gcs[i]! + this.gcs[i + 1]!;
      if (end < meta.measureStartMs) continue;
      lines.push(`{"gc_at_ms":${round3(this.gcs[i]! - meta.measureStartMs)},"gc_ms":${round3(this.gcs[i + 1]!)},"gc_kind":"${GC_KINDS[this.gcs[i + 2]!] ?? 'other'}"}`);
    }
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      const buf = Buffer.from(`${lines.join('\n')}\n`);
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    } catch (err) {
      throw new CliError(`--trace-sends ${this.file}: writing the trace failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    } finally {
      closeSync(fd);
    }
  }

  private grow(): boolean {
    if (this.at.length >= this.max) return false;
    const size = Math.min(this.max, this.at.length * 2);
    const at = new Float64Array(size);
    const lag = new Float32Array(size);
    const via = new Uint8Array(size);
    const inflight = new Uint32Array(size);
    at.set(this.at);
    lag.set(this.lag);
    via.set(this.via);
    inflight.set(this.inflight);
    [this.at, this.lag, this.via, this.inflight] = [at, lag, via, inflight];
    return true;
  }
}

// Thread ids of this process (Linux), or none elsewhere.
function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}

const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-callbacks' };

function gcKind(e: PerformanceEntry): number {
  return (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

// Open `file` for writing, truncated, refusing anything but a regular file (or nothing) at the path:
// O_NOFOLLOW and O_NONBLOCK so a symlink or a FIFO planted there fails instead of redirecting or blocking.
function openRegularFile(file: string): number {
  const abs = path.resolve(file);
  let fd: number;
  try {
    mkdirSync(path.dirname(abs), { recursive: true });
    fd = openSync(abs, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_NOFOLLOW | fsc.O_NONBLOCK, 0o644);
  } catch (err) {
    throw new CliError(`--trace-sends ${file}: cannot open it for writing (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the path of a new or regular file`);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new CliError(`--trace-sends ${file}: not a regular file; give the path of a new or regular file`);
  }
  ftruncateSync(fd, 0);
  return fd;
}
