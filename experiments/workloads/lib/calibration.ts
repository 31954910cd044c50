import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './latency-recorder.ts';
import type { Outcome, RequestSink } from './open-loop.ts';
import { Pacer } from './pacer.ts';

export interface CalibrationOptions {
  /** How long to probe, ms. */
  durationMs: number;
  /** Pause before each request, µs (the paced closed-loop client's). @default 500 */
  gapUs?: number;
  /** A request unanswered this long ends the calibration (noted). */
  timeoutMs: number;
}

/** What a paced closed-loop probe of the server from this process saw (µs): the host's floor for one request at a time. */
export interface CalibrationResult {
  requests: number;
  gap_us: number;
  latency_us: { p50: number; p90: number; p95: number; p99: number; p999: number; max: number };
  /** Why it ended early, if it did. */
  note?: string;
}

/**
 * Before the schedule starts: one request at a time through the run's own sink, each after a paced
 * pause of `gapUs` (asleep most of it, so it pays the same wake-up penalty an open-loop send does),
 * timed from its send to its answer. Its spread above its own median is what this host adds to one
 * request at each percentile (harness/results/latency-floor.ts adds the send lag to get the floor).
 */
export async function calibrate(sink: RequestSink, opts: CalibrationOptions): Promise<CalibrationResult> {
  const gapUs = opts.gapUs ?? 500;
  const pacer = new Pacer(0.1);
  const latency = new LatencyRecorder();
  const end = performance.now() + opts.durationMs;
  let note: string | undefined;
  let seq = 0;
  try {
    while (performance.now() < end) {
      pacer.waitUntil(performance.now() + gapUs / 1000);
      const sentAt = performance.now();
      const outcome = await new Promise<Outcome | 'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
        sink.send(0, seq++, (_seq, o) => {
          clearTimeout(timer);
          resolve(o);
        }, false);
        sink.flush?.();
      });
      if (outcome === 'timeout') {
        note = `calibration: no answer within ${opts.timeoutMs} ms; stopped after ${latency.count} requests`;
        break;
      }
      if (outcome === 'ok') latency.record((performance.now() - sentAt) * 1000);
    }
    const s = latency.summary();
    return { requests: latency.count, gap_us: gapUs, latency_us: { p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, p999: s.p999, max: s.max }, ...(note ? { note } : {}) };
  } finally {
    latency.destroy();
  }
}
