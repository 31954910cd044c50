// The scheduler against in-process sinks: test doubles for a transport, so each behaviour (a stalled
// server, lost replies, a blocked generator) can be produced exactly. The real TCP path is in the kv e2e tests.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { runOpenLoop, type Completion, type OpenLoopOptions, type Outcome, type RequestSink } from '../../../experiments/workloads/lib/open-loop.ts';
import { assessSaturation } from '../../../experiments/workloads/lib/saturation.ts';

const BASE: OpenLoopOptions = { rate: 1000, durationS: 0.5, warmupS: 0.1, arrival: 'constant', seed: 1, connections: 2, timeoutMs: 200 };

/** Answers on the next turn of the event loop; drops, fails, or holds answers while "stalled" as told. */
class FakeSink implements RequestSink {
  sends = 0;

  constructor(private readonly opts: { stalledUntilMs?: (t: number) => number; drop?: (seq: number) => boolean; fail?: (seq: number) => boolean } = {}) {}

  send(_conn: number, seq: number, done: Completion): void {
    this.sends++;
    if (this.opts.drop?.(seq)) return;
    const outcome: Outcome = this.opts.fail?.(seq) ? 'error' : 'ok';
    const until = this.opts.stalledUntilMs?.(performance.now()) ?? 0;
    const delay = Math.max(0, until - performance.now());
    if (delay > 0) setTimeout(() => done(seq, outcome), delay);
    else setImmediate(() => done(seq, outcome));
  }
}

describe('runOpenLoop', () => {
  it('sends the planned count, records only measured requests, and keeps the rate', async () => {
    const sink = new FakeSink();
    const r = await runOpenLoop(BASE, sink);
    expect(r.warmupSent).toBe(100);
    expect(r.sent).toBe(500);
    expect(sink.sends).toBe(600);
    expect(r.completed).toBe(500);
    expect(r.latency.count).toBe(500);
    // The rates are 1000/s unless this (shared) machine made the last send or answer late: then exactly
    // as much lower as that lateness says (rate = count ÷ span to the last one).
    const lateS = (us: number): number => us / 1e6;
    expect(r.achievedSendRps).toBeGreaterThanOrEqual(500 / (0.5 + lateS(r.sendLag.summary().max)) - 1);
    expect(r.achievedRps).toBeGreaterThanOrEqual(500 / (0.5 + lateS(r.latency.summary().max)) - 1);
    expect(r.achievedRps).toBeLessThanOrEqual(1000);
    expect(r.timeouts + r.errors + r.unsent).toBe(0);
  });

  it('measures from the intended send time: a stalled server shows in the tail, not by sending less', async () => {
    let start = 0;
    // The "server" answers nothing sent between 200 ms and 300 ms until 300 ms.
    const sink = new FakeSink({
      stalledUntilMs: (t) => (t - start >= 200 && t - start < 300 ? start + 300 : 0),
    });
    start = performance.now();
    const r = await runOpenLoop({ ...BASE, warmupS: 0 }, sink);
    expect(r.sent).toBe(500);
    // Not in p50, unless a busy machine delayed the scheduler itself, which the run must then say.
    if (r.latency.valueAt(50) >= 20_000) expect(assessSaturation(r).notes.join('\n'), `p50 ${r.latency.valueAt(50)} µs`).toMatch(/generator saturated|latencies include generator scheduling delay/);
    expect(r.latency.valueAt(99)).toBeGreaterThan(80_000);
    expect(r.latency.summary().max).toBeGreaterThan(90_000);
  });

  it('catches up after its own event loop stalls, timing the backlog from the original intended times', async () => {
    const sink = new FakeSink();
    // Block the generator's event loop for 250 ms, 100 ms into the measurement.
    const blocker = setTimeout(() => {
      const end = performance.now() + 250;
      while (performance.now() < end) {
        // block
      }
    }, 200);
    const r = await runOpenLoop(BASE, sink);
    clearTimeout(blocker);
    expect(r.sent).toBe(500);
    expect(r.maxBacklog).toBeGreaterThan(200);
    expect(r.sendLag.summary().max).toBeGreaterThan(200_000);
    expect(r.latency.summary().max).toBeGreaterThan(200_000);
    const verdict = assessSaturation(r);
    expect(verdict.saturated).toBe(true);
    expect(verdict.notes.join(' ')).toMatch(/send backlog reached/);
  });

  it('counts unanswered requests as timeouts after waiting at most timeoutMs, and error outcomes as errors', async () => {
    const sink = new FakeSink({ drop: (seq) => seq % 10 === 0, fail: (seq) => seq % 10 === 5 });
    const t = performance.now();
    const r = await runOpenLoop({ ...BASE, warmupS: 0, timeoutMs: 150 }, sink);
    const elapsed = performance.now() - t;
    expect(r.timeouts).toBe(50);
    expect(r.errors).toBe(50);
    expect(r.completed).toBe(400);
    expect(elapsed).toBeLessThan(500 + 150 + 300);
    expect(assessSaturation(r).notes.join(' ')).toMatch(/50 requests got no response/);
  });
});
