import { performance } from 'node:perf_hooks';
import { LatenessTracker } from './lateness-tracker.ts';

/**
 * Waits for a send time precisely without burning a core: blocks the thread (Atomics.wait, a futex
 * with a sub-millisecond timeout) until a margin before the target, then busy-polls the rest. The
 * margin follows how late this machine wakes the thread (at most `maxSpinMs`). Blocking the thread
 * stops the event loop, so the scheduler only does it when no response can be waiting (nothing in
 * flight), for at most a few milliseconds.
 */
export class Pacer {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private readonly lateness: LatenessTracker;

  constructor(maxSpinMs: number) {
    this.lateness = new LatenessTracker(0.1, maxSpinMs);
  }

  /** Current busy-poll margin before a target, ms. */
  get marginMs(): number {
    return this.lateness.estimateMs;
  }

  // Return at `targetMs` (performance.now() clock) or as soon after it as the OS lets the thread run.
  waitUntil(targetMs: number): void {
    const sleepMs = targetMs - performance.now() - this.lateness.estimateMs;
    if (sleepMs > 0) {
      const wakeAt = performance.now() + sleepMs;
      Atomics.wait(this.cell, 0, 0, sleepMs);
      this.lateness.observe(performance.now() - wakeAt);
    }
    while (performance.now() < targetMs) {
      // spin: the last `marginMs` before a send, with nothing in flight to read
    }
  }
}
