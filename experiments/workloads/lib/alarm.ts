import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

// The alarm thread: sleeps on a futex until the armed time (or until re-armed or cancelled), then
// posts one message, which wakes the main thread's event loop. CommonJS source, evaluated in a worker.
const ALARM_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { ctrl, target, mainOrigin } = workerData;
const delta = performance.timeOrigin - mainOrigin; // main's clock = this thread's + delta
for (;;) {
  const gen = Atomics.load(ctrl, 0);
  if (gen < 0) break;
  const at = target[0];
  if (Number.isNaN(at)) { Atomics.wait(ctrl, 0, gen); continue; }
  const remaining = at - (performance.now() + delta);
  if (remaining > 0 && Atomics.wait(ctrl, 0, gen, remaining) !== 'timed-out') continue;
  if (Atomics.load(ctrl, 0) !== gen) continue;
  parentPort.postMessage(gen);
  Atomics.wait(ctrl, 0, gen);
}
`;

/**
 * A sub-millisecond wake-up for the main thread's event loop: libuv timers have millisecond
 * granularity, but while responses are in flight the loop must stay in epoll (to read them at once)
 * and still wake in time for the next send. A helper thread sleeps precisely and posts a message.
 */
export class Alarm {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4));
  private readonly target = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  private armed = false;
  /** Resolves when the alarm thread runs (an alarm set before then rings late). */
  readonly ready: Promise<void>;

  /** Called on the main thread when the alarm rings. */
  onRing: () => void = () => {};

  constructor() {
    this.target[0] = Number.NaN;
    this.worker = new Worker(ALARM_THREAD, { eval: true, workerData: { ctrl: this.ctrl, target: this.target, mainOrigin: performance.timeOrigin } });
    this.worker.on('message', (gen: number) => {
      if (!this.armed || gen !== Atomics.load(this.ctrl, 0)) return; // re-armed or cancelled since
      this.armed = false;
      this.onRing();
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('online', resolve);
      this.worker.once('error', reject);
    });
    this.worker.unref();
  }

  // Ring at `atMs` (performance.now() clock); replaces any earlier setting.
  set(atMs: number): void {
    this.target[0] = atMs;
    this.armed = true;
    this.bump();
  }

  cancel(): void {
    if (!this.armed) return;
    this.armed = false;
    this.target[0] = Number.NaN;
    this.bump();
  }

  // A new generation makes the thread re-read the target (only this thread writes it: no RMW race).
  private bump(): void {
    Atomics.store(this.ctrl, 0, (Atomics.load(this.ctrl, 0) + 1) & 0x3fffffff);
    Atomics.notify(this.ctrl, 0);
  }

  async close(): Promise<void> {
    this.armed = false;
    Atomics.store(this.ctrl, 0, -1);
    Atomics.notify(this.ctrl, 0);
    await this.worker.terminate();
  }
}
