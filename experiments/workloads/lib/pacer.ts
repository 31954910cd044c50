import { performance } from 'node:perf_hooks';
import { SparseSpinner } from './busy-wait.ts';
import { LatenessTracker } from './lateness-tracker.ts';

/**
 * Waits for a send time precisely without burning a core: blocks the thread (Atomics.wait, a futex
 * with a sub-millisecond timeout) until a margin before the target, then busy-polls the rest. The
 * margin follows how late this machine wakes the thread (at most `maxSpinMs`). Blocking the thread
 * stops the event loop, so the scheduler only does it when no response can be waiting (nothing in
 * flight), for at most a few milliseconds.
 * The busy-poll reads the clock sparingly (SparseSpinner): reading it on every turn made most of the
 * generator's garbage, and young-generation collections stop the generator for about a millisecond.
 */
export class Pacer {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private readonly lateness: LatenessTracker;
  private readonly spinner: SparseSpinner;

  /** `clock`: milliseconds on the performance.now() scale (a test counts the reads). */
  constructor(
    maxSpinMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.lateness = new LatenessTracker(0.1, maxSpinMs);
    this.spinner = new SparseSpinner(clock);
  }

  /** Current busy-poll margin before a target, ms. */
  get marginMs(): number {
    return this.lateness.estimateMs;
  }

  // Return at `targetMs` (performance.now() clock) or as soon after it as the OS lets the thread run.
  waitUntil(targetMs: number): void {
    const sleepMs = targetMs - this.clock() - this.lateness.estimateMs;
    if (sleepMs > 0) {
      const wakeAt = this.clock() + sleepMs;
      Atomics.wait(this.cell, 0, 0, sleepMs);
      this.lateness.observe(this.clock() - wakeAt);
    }
    this.spinner.spinUntil(targetMs);
  }
}
