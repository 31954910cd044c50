/** A cumulative counter sampled at known times (ms): CPU ns of a thread, its context switches. */
export class CounterSeries {
  private readonly t: number[] = [];
  private readonly v: number[] = [];
  /** Set once the thread is gone: its value stays at the last point from then on. */
  ended = false;

  get length(): number {
    return this.t.length;
  }

  get lastTime(): number | undefined {
    return this.t[this.t.length - 1];
  }

  get lastValue(): number | undefined {
    return this.v[this.v.length - 1];
  }

  add(timeMs: number, value: number): void {
    const last = this.t.length - 1;
    // Monotonic by construction; a counter that went back (pid reuse) is held at its high-water mark.
    if (last >= 0 && timeMs <= this.t[last]!) return;
    this.t.push(timeMs);
    this.v.push(last >= 0 ? Math.max(value, this.v[last]!) : value);
  }

  // Rate (units per ms) over the last two points, 0 when there are fewer.
  lastRate(): number {
    const n = this.t.length;
    if (n < 2) return 0;
    const dt = this.t[n - 1]! - this.t[n - 2]!;
    return dt > 0 ? (this.v[n - 1]! - this.v[n - 2]!) / dt : 0;
  }

  // The counter at `timeMs`, linear between points; held at the first/last point outside them.
  valueAt(timeMs: number): number {
    const n = this.t.length;
    if (n === 0) return 0;
    if (timeMs <= this.t[0]!) return this.v[0]!;
    if (timeMs >= this.t[n - 1]!) return this.v[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! <= timeMs) lo = mid;
      else hi = mid;
    }
    const f = (timeMs - this.t[lo]!) / (this.t[hi]! - this.t[lo]!);
    return this.v[lo]! + f * (this.v[hi]! - this.v[lo]!);
  }

  // Increase of the counter between two times.
  delta(startMs: number, endMs: number): number {
    return this.valueAt(endMs) - this.valueAt(startMs);
  }
}
