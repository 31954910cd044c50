// Service-time and clock helpers shared by the workload servers (kv, lb backends, nfv stages).

// Busy work, not a timer: the CPU stays occupied the whole time, like real service time would.
export function spinFor(us: number): void {
  if (us <= 0) return;
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end) {
    // spin
  }
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
