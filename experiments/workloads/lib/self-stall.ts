import { stallFor } from './busy-wait.ts';
import type { RequestSink } from './open-loop.ts';

/**
 * A generator slowed on purpose, for testing the harness's floor and measurability verdicts only:
 * after every `every`-th send the main thread is held `us` µs (a wall-clock freeze, like a GC pause),
 * so requests due meanwhile leave late. Returns the sink itself when off.
 */
export function withSelfStall(sink: RequestSink, stall: { every: number; us: number }): RequestSink {
  if (stall.every <= 0 || stall.us <= 0) return sink;
  let sends = 0;
  return {
    send(conn, seq, done, measured) {
      sink.send(conn, seq, done, measured);
      if (++sends % stall.every === 0) {
        sink.flush?.();
        stallFor(stall.us);
      }
    },
    flush: () => sink.flush?.(),
  };
}
