import { performance } from 'node:perf_hooks';
import { LatenessTracker } from './lateness-tracker.ts';

/** Below this much time left the spin reads the clock on every turn. */
const FINE_MS = 0.001;
/** Longest stretch of clock-free polling, ms of planned time (bounds the overshoot if the loop slows down). */
const CHUNK_MAX_MS = 0.004;

/**
 * Waits for a send time precisely without burning a core: blocks the thread (Atomics.wait, a futex
 * with a sub-millisecond timeout) until a margin before the target, then busy-polls the rest. The
 * margin follows how late this machine wakes the thread (at most `maxSpinMs`). Blocking the thread
 * stops the event loop, so the scheduler only does it when no response can be waiting (nothing in
 * flight), for at most a few milliseconds.
 *
 * The busy-poll reads the clock sparingly: in Node 20 `performance.now()` can allocate (an
 * `hrtime` pair), and a spin that read it back to back made most of the generator's garbage, so young-
 * generation collections (each a ~1 ms stop of the generator) ran several times a second. Between
 * reads it polls a shared cell for a calibrated number of turns (half the time left, at most 4 µs).
 */
export class Pacer {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private readonly lateness: LatenessTracker;
  /** Polling turns per ms, measured on every stretch (starts low: an underestimate only costs reads). */
  private turnsPerMs = 20_000;

  /** `clock`: milliseconds on the performance.now() scale (a test counts the reads). */
  constructor(
    maxSpinMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.lateness = new LatenessTracker(0.1, maxSpinMs);
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
    this.spinUntil(targetMs);
  }

  private spinUntil(targetMs: number): void {
    let now = this.clock();
    while (now < targetMs) {
      const restMs = targetMs - now;
      if (restMs <= FINE_MS) {
        now = this.clock();
        continue;
      }
      const turns = Math.max(1, Math.floor(Math.min(restMs / 2, CHUNK_MAX_MS) * this.turnsPerMs));
      for (let i = 0; i < turns; i++) Atomics.load(this.cell, 0);
      const after = this.clock();
      const tookMs = after - now;
      // A stretch interrupted by the OS reads as slow: only let it lower the rate a little.
      if (tookMs > 0) this.turnsPerMs = Math.min(1e7, Math.max(100, 0.8 * this.turnsPerMs + 0.2 * (turns / tookMs)));
      now = after;
    }
  }
}
