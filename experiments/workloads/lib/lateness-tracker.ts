/** Samples kept. */
const SAMPLES = 256;
/** The estimate is recomputed after this many new samples. */
const RECOMPUTE_EVERY = 64;

/**
 * How late this machine wakes a sleeping thread: the 90th percentile of recent lateness samples (ms),
 * so the pacer and the alarm can wake that much early and busy-poll the rest. Not a higher percentile:
 * on a busy machine the tail of wake-up lateness is milliseconds, and spinning that long per send
 * would make the generator a CPU hog (the rarer late wake-ups show as send lag instead).
 */
export class LatenessTracker {
  private readonly samples = new Float64Array(SAMPLES);
  private count = 0;
  /** Current estimate, ms, within [floorMs, capMs]. */
  estimateMs: number;

  constructor(
    initialMs: number,
    private readonly capMs: number,
    private readonly floorMs = 0,
  ) {
    this.estimateMs = Math.max(floorMs, Math.min(capMs, initialMs));
  }

  observe(latenessMs: number): void {
    this.samples[this.count++ % SAMPLES] = latenessMs > 0 ? latenessMs : 0;
    if (this.count % RECOMPUTE_EVERY !== 0) return;
    const sorted = this.samples.slice(0, Math.min(this.count, SAMPLES)).sort();
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))]!;
    this.estimateMs = Math.max(this.floorMs, Math.min(this.capMs, p90 + 0.005));
  }
}
