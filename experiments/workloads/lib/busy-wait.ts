// Service-time and clock helpers shared by the workload servers (kv, lb backends, nfv stages) and the
// generators' pacer.

/**
 * Busy-polls until a clock reaches a target, reading the clock only every few µs: in Node 20 a clock
 * read can allocate (`process.hrtime.bigint()` always does, `performance.now()` an `hrtime` pair
 * unless optimized away, `process.cpuUsage()` an object), and a spin that read it on every turn made
 * most of a process's garbage: young-generation collections several times a second, whose CPU cost and
 * pauses grew with the time spent spinning. Between reads it polls a typed array for a number of turns
 * calibrated on the clock itself (half the time left, at most `chunkMaxMs`); the last `fineMs` are
 * read on every turn.
 */
export class SparseSpinner {
  private readonly cell = new Int32Array(1);
  /** Polling turns per clock ms, measured on every stretch (starts low: an underestimate only costs reads). */
  private turnsPerMs = 20_000;

  /** `clock`: a monotonic time in ms (wall or CPU); `fineMs`, `chunkMaxMs`: see the class comment. */
  constructor(
    private readonly clock: () => number,
    private readonly fineMs = 0.001,
    private readonly chunkMaxMs = 0.004,
  ) {}

  // Spin until clock() ≥ targetMs; returns the last reading.
  spinUntil(targetMs: number): number {
    let now = this.clock();
    while (now < targetMs) {
      const restMs = targetMs - now;
      if (restMs <= this.fineMs) {
        now = this.clock();
        continue;
      }
      const turns = Math.max(1, Math.floor(Math.min(restMs / 2, this.chunkMaxMs) * this.turnsPerMs));
      for (let i = 0; i < turns; i++) Atomics.load(this.cell, 0);
      const after = this.clock();
      const tookMs = after - now;
      // A stretch shorter than the clock's resolution reads as 0: poll longer. On the wall clock a stretch
      // interrupted by the OS reads as slow: only let it lower the rate a little.
      if (tookMs <= 0) this.turnsPerMs = Math.min(1e7, this.turnsPerMs * 2);
      else this.turnsPerMs = Math.min(1e7, Math.max(100, 0.8 * this.turnsPerMs + 0.2 * (turns / tookMs)));
      now = after;
    }
    return now;
  }
}

/** This process's CPU time (all threads, user + system), ms with µs resolution. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// µs steps of process.cpuUsage(): read on every turn below 2 µs left, stretches of at most 8 µs.
const cpuSpinner = new SparseSpinner(processCpuMs, 0.002, 0.008);
const wallSpinner = new SparseSpinner(() => performance.now());

/**
 * Busy work, not a timer: `us` µs of this process's CPU time, like real service time would cost. CPU
 * time, not wall time: a spin preempted half-way still costs the full `us` (a wall-clock spin cost less
 * CPU than asked whenever the machine was busy, so an injected cost was under-recovered).
 */
export function spinFor(us: number): void {
  if (us <= 0) return;
  const askedMs = us / 1000;
  const aimMs = askedMs - Math.min(cpuOvershootMs, askedMs / 2);
  const start = processCpuMs();
  const end = cpuSpinner.spinUntil(start + aimMs);
  // The last read lands past the target, and the first and last reads cost CPU outside [start, end]
  // (about one read in all): aim that much early next time.
  cpuOvershootMs = Math.max(0, cpuOvershootMs + 0.1 * (end - start + cpuReadCostMs() - askedMs));
}

let readCostMs = Number.NaN;
// What one processCpuMs() costs (ms), measured once: the median of 15 timings of 20 reads.
function cpuReadCostMs(): number {
  if (!Number.isNaN(readCostMs)) return readCostMs;
  const timings: number[] = [];
  for (let t = 0; t < 15; t++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) processCpuMs();
    timings.push((performance.now() - t0) / 20);
  }
  readCostMs = timings.sort((a, b) => a - b)[7]!;
  return readCostMs;
}

/** How far past its target a CPU-time spin ends, on average (ms): spinFor aims that much early. */
let cpuOvershootMs = 0;

/** Hold the thread for `us` µs of wall-clock time, spinning: a freeze (GC, compaction), however busy the machine. */
export function stallFor(us: number): void {
  if (us <= 0) return;
  wallSpinner.spinUntil(performance.now() + us / 1000);
}

/**
 * Wall-clock microseconds since the epoch with µs resolution, comparable across processes of one host
 * (the nfv sink subtracts the generator's send stamp). Anchored on `performance.timeOrigin`, which has
 * µs precision; `Date.now()` would leave each process's clock off by up to 1 ms.
 */
export function createEpochClockUs(): () => number {
  const origin = performance.timeOrigin;
  return () => Math.round((origin + performance.now()) * 1000);
}
