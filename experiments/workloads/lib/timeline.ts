import { LatencyRecorder } from './latency-recorder.ts';

/** One second of the measurement window, the `timeline` entries of the metrics JSON. */
export interface TimelineEntry {
  /** Seconds since the measurement start (0, 1, 2, …). */
  t_s: number;
  /** Measured requests whose intended send time fell in this second. */
  offered: number;
  /** Requests completed with success in this second. */
  achieved: number;
  /** Requests that failed in this second. */
  errors: number;
  /** Latency percentiles of this second's completions (µs, 2 significant digits); 0 when none completed. */
  p50_us: number;
  p99_us: number;
}

/**
 * Per-second counts and latency percentiles over the measurement window. Offered requests count by
 * intended send time, completions and errors by when they happened; answers after the window (the
 * drain) count in its last second. Completions arrive in time order, so one histogram is open at a
 * time; closed ones are summarized by `settle()` when the generator is idle, or at the end.
 */
export class TimelineRecorder {
  private readonly offered: number[];
  private readonly achieved: number[];
  private readonly errors: number[];
  private readonly p50: number[];
  private readonly p99: number[];
  private readonly closed: { second: number; histogram: LatencyRecorder }[] = [];
  private open: LatencyRecorder | undefined;
  private openSecond = -1;

  /** `bucketMs`: the length of one entry (1000 for the metrics' `timeline`; shorter for `steadiness`). */
  constructor(
    private readonly startMs: number,
    durationS: number,
    private readonly bucketMs = 1000,
  ) {
    const n = Math.max(1, Math.ceil((durationS * 1000) / bucketMs - 1e-9));
    this.offered = new Array<number>(n).fill(0);
    this.achieved = new Array<number>(n).fill(0);
    this.errors = new Array<number>(n).fill(0);
    this.p50 = new Array<number>(n).fill(0);
    this.p99 = new Array<number>(n).fill(0);
  }

  offer(intendedMs: number): void {
    this.offered[this.secondOf(intendedMs)]!++;
  }

  complete(atMs: number, latencyUs: number): void {
    const s = this.secondOf(atMs);
    this.achieved[s]!++;
    if (s !== this.openSecond) {
      if (this.open) this.closed.push({ second: this.openSecond, histogram: this.open });
      this.open = new LatencyRecorder({ significantDigits: 2 });
      this.openSecond = s;
    }
    this.open!.record(latencyUs);
  }

  error(atMs: number): void {
    this.errors[this.secondOf(atMs)]!++;
  }

  // Summarize the histograms of seconds already over (a few µs each; call when idle).
  settle(): void {
    for (let c = this.closed.pop(); c; c = this.closed.pop()) this.summarize(c.second, c.histogram);
  }

  entries(): TimelineEntry[] {
    this.settle();
    if (this.open) this.summarize(this.openSecond, this.open);
    this.open = undefined;
    return this.offered.map((offered, i) => ({ t_s: i, offered, achieved: this.achieved[i]!, errors: this.errors[i]!, p50_us: this.p50[i]!, p99_us: this.p99[i]! }));
  }

  private summarize(second: number, h: LatencyRecorder): void {
    this.p50[second] = h.valueAt(50);
    this.p99[second] = h.valueAt(99);
    h.destroy();
  }

  private secondOf(ms: number): number {
    // The epsilon keeps an intended time exactly on a second boundary in the later second despite rounding.
    // Clamped without branches: a branch first taken mid-run (the warm-up's late answers) deoptimizes.
    return Math.min(Math.max(Math.floor((ms - this.startMs) / this.bucketMs + 1e-9), 0), this.offered.length - 1);
  }
}
