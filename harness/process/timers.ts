// Timers that never outlive what they wait for, so a finished harness exits at once.

// setTimeout as a promise that an abort cuts short (resolves, never rejects).
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

// The promise's value, or undefined once `ms` pass; the timer is cleared either way.
export async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const abort = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, abort.signal).then(() => undefined)]);
  } finally {
    abort.abort();
  }
}
