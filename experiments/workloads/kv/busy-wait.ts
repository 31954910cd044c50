// Busy work, not a timer: the CPU stays occupied the whole time, like real service time would.
export function spinFor(us: number): void {
  if (us <= 0) return;
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end) {
    // spin
  }
}

// Wall-clock microseconds since the epoch with hrtime resolution (for truth logs read next to other tools' logs).
export function createEpochClockUs(): () => number {
  const originHr = process.hrtime.bigint();
  const originEpochUs = BigInt(Date.now()) * 1000n;
  return () => Number(originEpochUs + (process.hrtime.bigint() - originHr) / 1000n);
}
