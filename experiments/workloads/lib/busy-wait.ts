// Service-time and clock helpers shared by the workload servers (kv, lb backends, nfv stages) and the
// generators' pacer.

/** A wall-clock step longer than this while spinning means the thread was off the CPU (preempted, or its vCPU stolen). */
export const OFF_CPU_GAP_MS = 0.05;

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

  /**
   * Spins until `ms` of on-CPU time are credited, reading the wall clock (a vDSO read, ~0.1 µs) every few
   * µs: a stretch is credited what it took, unless it took longer than three times what its polling turns
   * should take plus OFF_CPU_GAP_MS — then the thread was off the CPU, and only the turns' time counts. So
   * a spin that shares its core still costs `ms` of CPU (it lasts longer instead), without the CPU clock
   * (`getrusage`, ~3 µs a read on a VM: a spin on it made 5 µs cost 7–9 µs). An interrupt shorter than
   * the gap is credited. Returns the credited ms (≥ `ms`). The clock must be the wall clock.
   */
  spinCredited(ms: number, offCpuGapMs = OFF_CPU_GAP_MS): number {
    let credited = 0;
    let last = this.clock();
    while (credited < ms) {
      const restMs = ms - credited;
      const turns = restMs > this.fineMs ? Math.max(1, Math.floor(Math.min(restMs / 2, this.chunkMaxMs) * this.turnsPerMs)) : 0;
      for (let i = 0; i < turns; i++) Atomics.load(this.cell, 0);
      const now = this.clock();
      const tookMs = now - last;
      last = now;
      const expectedMs = turns / this.turnsPerMs;
      credited += tookMs <= 3 * expectedMs + offCpuGapMs ? tookMs : expectedMs;
      if (turns > 0) {
        if (tookMs <= 0) this.turnsPerMs = Math.min(1e7, this.turnsPerMs * 2);
        else this.turnsPerMs = Math.min(1e7, Math.max(100, 0.8 * this.turnsPerMs + 0.2 * (turns / tookMs)));
      }
    }
    return credited;
  }
}

/** This process's CPU time (all threads, user + system), ms with µs resolution. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// µs steps of process.cpuUsage(): read on every turn below 2 µs left, stretches of at most 8 µs.
const cpuSpinner = new SparseSpinner(processCpuMs, 0.002, 0.008);
// Short spins: the wall clock, with what the thread spent off the CPU left out (spinCredited).
const shortSpinner = new SparseSpinner(() => performance.now());
const wallSpinner = new SparseSpinner(() => performance.now());

/**
 * Below this, spinFor credits wall-clock stretches instead of reading the CPU clock: a read of the CPU
 * clock (`getrusage`) costs ~3 µs on a VM, so a 5 µs spin on it cost 7–9 µs of CPU; a spin this short is
 * rarely preempted, and spinCredited leaves out the stretches that were. From here up the CPU clock is
 * exact to a few % (its read cost is learnt in the overshoot) and holds also when the core is shared for
 * long (a 200 ms spin beside a hog: 200 ms of CPU, where crediting the wall clock gave ~215).
 */
export const CPU_CLOCK_MIN_US = 20;

/**
 * Busy work, not a timer: `us` µs of this process's CPU time, like real service time would cost. CPU
 * time, not wall time: a spin preempted half-way still costs the full `us` (a plain wall-clock spin cost
 * less CPU than asked whenever the machine was busy, so an injected cost was under-recovered). Spins of
 * at least CPU_CLOCK_MIN_US read the process's CPU clock; shorter ones credit the wall clock
 * (SparseSpinner.spinCredited). Each aims early by its mean overshoot: the last read lands past the
 * target, and the call and its first read cost time outside what was counted (about one clock read).
 */
export function spinFor(us: number): void {
  if (us <= 0) return;
  const askedMs = us / 1000;
  if (us < CPU_CLOCK_MIN_US) {
    const credited = shortSpinner.spinCredited(askedMs - Math.min(shortOvershootMs, askedMs / 2));
    shortOvershootMs = Math.max(0, shortOvershootMs + 0.1 * (credited + readCost('wall') - askedMs));
    return;
  }
  const start = processCpuMs();
  const end = cpuSpinner.spinUntil(start + askedMs - Math.min(cpuOvershootMs, askedMs / 2));
  cpuOvershootMs = Math.max(0, cpuOvershootMs + 0.1 * (end - start + readCost('cpu') - askedMs));
}

/** How far past its target a spin ends, on average (ms), per clock: spinFor aims that much early. */
let cpuOvershootMs = 0;
let shortOvershootMs = 0;

const readCostMs = { cpu: Number.NaN, wall: Number.NaN };
// What one read of a clock costs (ms), measured once: the median of 15 timings of 20 reads.
function readCost(clock: 'cpu' | 'wall'): number {
  if (!Number.isNaN(readCostMs[clock])) return readCostMs[clock];
  const read = clock === 'cpu' ? processCpuMs : () => performance.now();
  const timings: number[] = [];
  for (let t = 0; t < 15; t++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) read();
    timings.push((performance.now() - t0) / 20);
  }
  readCostMs[clock] = timings.sort((x, y) => x - y)[7]!;
  return readCostMs[clock];
}

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
