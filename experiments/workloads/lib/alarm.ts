import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

// The alarm thread: sleeps on a futex until the armed time, re-reading the target after every wake
// (the main thread changes it without waking this thread when the new time is later), then posts one
// message, which wakes the main thread's event loop. CommonJS source, evaluated in a worker.
const ALARM_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { ctrl, target, mainOrigin } = workerData;
const delta = performance.timeOrigin - mainOrigin; // main's clock = this thread's + delta
let rang = -1;
for (;;) {
  const gen = Atomics.load(ctrl, 0);
  if (gen < 0) break;
  const at = target[0];
  if (Number.isNaN(at) || gen === rang) { Atomics.wait(ctrl, 0, gen); continue; }
  const remaining = at - (performance.now() + delta);
  if (remaining > 0) { Atomics.wait(ctrl, 0, gen, remaining); continue; }
  rang = gen;
  parentPort.postMessage(0);
}
`;

/** A ring this much before the armed time is early (the two threads' clocks agree to a few µs). */
const CLOCK_TOLERANCE_MS = 0.05;

/**
 * A sub-millisecond wake-up for the main thread's event loop: libuv timers have millisecond
 * granularity, but while responses are in flight the loop must stay in epoll (to read them at once)
 * and still wake in time for the next send. A helper thread sleeps precisely and posts a message.
 * Setting a later time than the thread sleeps toward costs no syscall (it re-reads when it wakes),
 * so a stream of sends that each move the alarm later does not wake the thread once per send.
 */
export class Alarm {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4));
  private readonly target = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  private armedAt = Number.NaN;
  /** The thread may be waiting without a deadline (after a ring or a cancel): a new time must wake it. */
  private threadIdle = true;
  /** The latest time set since the thread was last known idle: it sleeps toward no later a time. */
  private latest = Number.NEGATIVE_INFINITY;
  /** Resolves when the alarm thread runs (an alarm set before then rings late). */
  readonly ready: Promise<void>;
  /** Called on the main thread when the alarm rings. */
  onRing: () => void = () => {};

  constructor() {
    this.target[0] = Number.NaN;
    // execArgv []: the thread is plain JavaScript, it needs none of the parent's loaders (tsx).
    this.worker = new Worker(ALARM_THREAD, { eval: true, execArgv: [], workerData: { ctrl: this.ctrl, target: this.target, mainOrigin: performance.timeOrigin } });
    this.worker.on('message', () => this.onMessage());
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('online', resolve);
      this.worker.once('error', reject);
    });
    this.worker.unref();
  }

  get armed(): boolean {
    return !Number.isNaN(this.armedAt);
  }

  // Ring at `atMs` (performance.now() clock); replaces any earlier setting.
  set(atMs: number): void {
    this.target[0] = atMs;
    this.armedAt = atMs;
    this.bump();
    if (this.threadIdle || atMs < this.latest) this.wake();
    this.latest = Math.max(this.latest, atMs);
  }

  // Disarm; the thread notices when it next wakes (no syscall now).
  cancel(): void {
    if (!this.armed) return;
    this.armedAt = Number.NaN;
    this.target[0] = Number.NaN;
    this.bump();
    this.threadIdle = true;
  }

  async close(): Promise<void> {
    this.armedAt = Number.NaN;
    Atomics.store(this.ctrl, 0, -1);
    Atomics.notify(this.ctrl, 0);
    await this.worker.terminate();
  }

  private onMessage(): void {
    // The thread rang and now waits without a deadline.
    this.threadIdle = true;
    this.latest = Number.NEGATIVE_INFINITY;
    if (!this.armed) return;
    if (performance.now() >= this.armedAt - CLOCK_TOLERANCE_MS) {
      this.armedAt = Number.NaN;
      return this.onRing();
    }
    this.wake(); // it rang for an earlier setting: have it sleep toward the current one
  }

  // A new generation makes the thread re-read the target (only this thread writes it: no RMW race).
  private bump(): void {
    Atomics.store(this.ctrl, 0, (Atomics.load(this.ctrl, 0) + 1) & 0x3fffffff);
  }

  private wake(): void {
    this.threadIdle = false;
    this.latest = this.target[0]!;
    Atomics.notify(this.ctrl, 0);
  }
}
