import { performance } from 'node:perf_hooks';
import { ArrivalPlan, type Arrival, type PlannedRequest } from './arrivals.ts';
import { LatencyRecorder } from './latency-recorder.ts';

/**
 * How a request ended. `dropped`: the system under test discarded it on purpose and said so (e.g. a
 * firewall deny in the nfv chain): neither a failure nor a latency sample.
 */
export type Outcome = 'ok' | 'error' | 'dropped';

/** Where the scheduler sends requests: a transport with `connections` lanes (TCP sockets, UDP flows…). */
export interface RequestSink {
  /**
   * Send request `seq` on lane `conn` without waiting; call `done` exactly once when it completes or fails.
   * `measured` is false for warm-up requests (for sinks that keep their own per-request counters).
   */
  send(conn: number, seq: number, done: (outcome: Outcome) => void, measured: boolean): void;
  /** Called after each batch of sends, e.g. to write corked buffers in one syscall. */
  flush?(): void;
}

export interface OpenLoopOptions {
  /** Offered rate, requests per second. */
  rate: number;
  durationS: number;
  warmupS: number;
  arrival: Arrival;
  seed: number;
  connections: number;
  /** After the last send, how long to wait for outstanding responses; the rest count as timeouts. */
  timeoutMs: number;
  /** Busy-poll (setImmediate) when the next send is closer than this; sleep on a timer otherwise. @default 1000 */
  spinUs?: number;
  /** Most sends per event-loop turn, so responses are still read while a backlog drains. @default 512 */
  maxBatch?: number;
  /** Sends not made by the nominal end plus this are abandoned (reported as `unsent`). @default max(timeoutMs, 1000) */
  sendGraceMs?: number;
}

export interface OpenLoopResult {
  /** Latency from intended send time to response, measured requests only. */
  latency: LatencyRecorder;
  /** How late each measured request left compared with its intended send time. */
  sendLag: LatencyRecorder;
  offeredRps: number;
  /** Measured requests sent / completed with success / failed / never answered within the timeout. */
  sent: number;
  completed: number;
  errors: number;
  timeouts: number;
  /** Measured requests the system under test discarded on purpose (outcome `dropped`). Optional for hand-built results. */
  dropped?: number;
  /** Measured requests the generator never managed to send (it fell too far behind). */
  unsent: number;
  warmupSent: number;
  /** Completed ÷ time from the measurement start to the last completion (at least the nominal duration). */
  achievedRps: number;
  /** Sent ÷ time from the measurement start to the last send (at least the nominal duration). */
  achievedSendRps: number;
  /** (Completed + dropped) ÷ time from the measurement start to the last answer: how fast the system answered. */
  answeredRps?: number;
  /** Largest number of measured requests that were due but not yet sent at the start of a loop turn. */
  maxBacklog: number;
  startedAtMs: number;
  endedAtMs: number;
}

interface Counters {
  sent: number;
  completed: number;
  errors: number;
  dropped: number;
  warmupSent: number;
  outstanding: number;
  maxBacklog: number;
  lastSendMs: number;
  lastCompletionMs: number;
  lastAnswerMs: number;
}

/**
 * Run an open-loop load: each request leaves at its intended time whether or not earlier ones were
 * answered, and its latency counts from that intended time (coordinated-omission safe). When the loop
 * falls behind (GC, a slow turn) the backlog leaves at once, still timed from the original intended times.
 */
export function runOpenLoop(opts: OpenLoopOptions, sink: RequestSink): Promise<OpenLoopResult> {
  const plan = new ArrivalPlan(opts);
  const spinMs = (opts.spinUs ?? 1000) / 1000;
  const maxBatch = opts.maxBatch ?? 512;
  const latency = new LatencyRecorder();
  const sendLag = new LatencyRecorder();
  const c: Counters = { sent: 0, completed: 0, errors: 0, dropped: 0, warmupSent: 0, outstanding: 0, maxBacklog: 0, lastSendMs: 0, lastCompletionMs: 0, lastAnswerMs: 0 };
  const startedAtMs = Date.now();
  const t0 = performance.now();
  const measureStart = t0 + opts.warmupS * 1000;
  const nominalEnd = measureStart + opts.durationS * 1000;
  const sendDeadline = nominalEnd + (opts.sendGraceMs ?? Math.max(opts.timeoutMs, 1000));
  const due: PlannedRequest[] = []; // generated, due, not yet sent (FIFO from dueHead)
  let dueHead = 0;
  let dueMeasured = 0; // measured requests among the due ones
  let drainTimer: NodeJS.Timeout | undefined;
  let upcoming = plan.next();
  let seq = 0;
  let sendingDone = false;
  let finished = false;

  return new Promise((resolve) => {
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      const unsent = plan.measuredCount - c.sent;
      const span = (last: number): number => Math.max(opts.durationS, (last - measureStart) / 1000);
      resolve({
        latency,
        sendLag,
        offeredRps: opts.rate,
        sent: c.sent,
        completed: c.completed,
        errors: c.errors,
        timeouts: c.outstanding,
        dropped: c.dropped,
        unsent,
        warmupSent: c.warmupSent,
        achievedRps: c.completed / span(c.lastCompletionMs),
        achievedSendRps: c.sent / span(c.lastSendMs),
        answeredRps: (c.completed + c.dropped) / span(c.lastAnswerMs),
        maxBacklog: c.maxBacklog,
        startedAtMs,
        endedAtMs: Date.now(),
      });
    };

    const dispatch = (req: PlannedRequest): void => {
      const now = performance.now();
      const intended = t0 + req.offsetMs;
      const measured = req.measured;
      if (measured) {
        c.sent++;
        c.outstanding++;
        c.lastSendMs = now;
        sendLag.record((now - intended) * 1000);
      } else {
        c.warmupSent++;
      }
      let answered = false;
      sink.send(seq % opts.connections, seq, (outcome) => {
        if (answered || finished || !measured) return;
        answered = true;
        const at = performance.now();
        c.outstanding--;
        if (outcome === 'ok') {
          c.completed++;
          c.lastCompletionMs = at;
          c.lastAnswerMs = at;
          latency.record((at - intended) * 1000);
        } else if (outcome === 'dropped') {
          c.dropped++;
          c.lastAnswerMs = at;
        } else {
          c.errors++;
        }
        if (sendingDone && c.outstanding === 0) finish();
      }, measured);
      seq++;
    };

    const endSending = (): void => {
      sendingDone = true;
      if (c.outstanding === 0) finish();
      else drainTimer = setTimeout(finish, opts.timeoutMs);
    };

    const tick = (): void => {
      if (finished) return;
      const now = performance.now();
      while (upcoming && t0 + upcoming.offsetMs <= now) {
        due.push(upcoming);
        if (upcoming.measured) dueMeasured++;
        upcoming = plan.next();
      }
      c.maxBacklog = Math.max(c.maxBacklog, dueMeasured);
      const stop = Math.min(due.length, dueHead + maxBatch);
      for (; dueHead < stop; dueHead++) {
        const req = due[dueHead]!;
        if (req.measured) dueMeasured--;
        dispatch(req);
      }
      if (dueHead === due.length) {
        due.length = 0;
        dueHead = 0;
      }
      sink.flush?.();
      if (!upcoming && due.length === 0) return endSending();
      if (now > sendDeadline) return endSending(); // hopelessly behind: stop; the rest is `unsent`
      const waitMs = due.length > 0 || !upcoming ? 0 : t0 + upcoming.offsetMs - performance.now();
      if (waitMs > spinMs) setTimeout(tick, Math.max(0, waitMs - spinMs));
      else setImmediate(tick);
    };
    setImmediate(tick);
  });
}
