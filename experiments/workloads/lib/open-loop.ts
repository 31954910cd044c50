import { performance } from 'node:perf_hooks';
import { ArrivalPlan, type Arrival } from './arrivals.ts';
import { Alarm } from './alarm.ts';
import { SparseSpinner } from './busy-wait.ts';
import { InflightTable } from './inflight-table.ts';
import { LatenessTracker } from './lateness-tracker.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { NumberQueue } from './number-queue.ts';
import { Pacer } from './pacer.ts';
import { PATH_CODE, type SendTrace } from './send-trace.ts';
import { TimelineRecorder, type TimelineEntry } from './timeline.ts';

/**
 * How a request ended. `dropped`: the system under test discarded it on purpose and said so (e.g. a
 * firewall deny in the nfv chain): neither a failure nor a latency sample.
 */
export type Outcome = 'ok' | 'error' | 'dropped';

/** Reports how request `seq` ended. One function serves every request, so sending allocates no closure. */
export type Completion = (seq: number, outcome: Outcome) => void;

/** Where the scheduler sends requests: a transport with `connections` lanes (TCP sockets, UDP flows…). */
export interface RequestSink {
  /**
   * Send request `seq` on lane `conn` without waiting; call `done(seq, outcome)` exactly once when it
   * completes or fails (later calls are ignored). `measured` is false for warm-up requests.
   */
  send(conn: number, seq: number, done: Completion, measured: boolean): void;
  /** Called after each batch of sends, e.g. to write corked buffers in one syscall. */
  flush?(): void;
}

/**
 * How the scheduler waits between sends: `sleep` (default) sleeps whenever it can (table in
 * experiments/workloads/README.md); `busy-poll` never sleeps: it spins to each send while nothing is in
 * flight and turns the event loop without blocking while requests are (a core of its own, as Lancet's
 * and mutilate's latency agents use: for generator nodes with a core to spare).
 */
export const SEND_MODES = ['sleep', 'busy-poll'] as const;
export type SendMode = (typeof SEND_MODES)[number];

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
  /** Most busy-polling before a send, µs (the pacer's margin adapts below it; 0 = sleep to the send time). @default 1000 */
  spinUs?: number;
  /** @default 'sleep' */
  sendMode?: SendMode;
  /** Most sends per event-loop turn, so responses are still read while a backlog drains. @default 512 */
  maxBatch?: number;
  /** Sends not made by the nominal end plus this are abandoned (reported as `unsent`). @default max(timeoutMs, 1000) */
  sendGraceMs?: number;
  /** Record every measured send (time, lag, wait path) and the window's GCs, written when the run ends. */
  trace?: SendTrace;
}

export interface OpenLoopResult {
  /** Latency from intended send time to response, measured requests only. */
  latency: LatencyRecorder;
  /** How late each measured request left compared with its intended send time. */
  sendLag: LatencyRecorder;
  /** Warm-up and window in STEADINESS_BUCKET_MS entries (the harness detects steady state from it). Optional for hand-built results. */
  steadiness?: TimelineEntry[];
  /** How the scheduler waited between sends. Optional for hand-built results. */
  sendMode?: SendMode;
  /** Per second of the measurement window: offered, achieved, errors, p50/p99. Optional for hand-built results. */
  timeline?: TimelineEntry[];
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

/** Bucket of the `steadiness` series: fine enough for a few-second run to have points to test. */
export const STEADINESS_BUCKET_MS = 250;

/** Waits longer than this go through a libuv timer (ms granularity, wakes for I/O); shorter ones are paced. */
const TIMER_MIN_MS = 3;
/** How much earlier than the send a timer is set, covering libuv's millisecond rounding. */
const TIMER_EARLY_MS = 2;

/**
 * Run an open-loop load: each request leaves at its intended time whether or not earlier ones were
 * answered, and its latency counts from that intended time (coordinated-omission safe). When the loop
 * falls behind (GC, a slow turn) the backlog leaves at once, still timed from the original intended times.
 */
export async function runOpenLoop(opts: OpenLoopOptions, sink: RequestSink): Promise<OpenLoopResult> {
  const alarm = new Alarm();
  await alarm.ready; // the schedule starts once its wake-up thread runs
  let run: OpenLoopRun | undefined;
  const result = await new Promise<OpenLoopResult>((resolve) => {
    run = new OpenLoopRun(opts, sink, alarm, resolve);
    run.start();
  });
  opts.trace?.write({ measureStartMs: run!.measureStart, rate: opts.rate, sendMode: result.sendMode ?? 'sleep' });
  return result;
}

/**
 * One run of the scheduler. Between sends it waits in one of three ways, chosen so that responses are
 * read as soon as they arrive and the generator uses as little CPU as it can (a spinning generator on a
 * shared machine is scheduled like any CPU hog and its sends and reads wait in the run queue):
 * - nothing in flight, send within a few ms: block on a precise timer, then spin the last few µs (Pacer);
 * - requests in flight, send within a few ms: stay in epoll (a response is read the moment it arrives),
 *   woken by the Alarm thread a margin before the send, then one event-loop turn at a time;
 * - send further away: a libuv timer set a little early; epoll wakes the loop for any response.
 * When the last request in flight is answered while the alarm waits, the next turn switches to the pacer.
 */
class OpenLoopRun {
  private readonly plan: ArrivalPlan;
  private readonly pacer: Pacer;
  private readonly maxBatch: number;
  private readonly busyPoll: boolean;
  private readonly spinner = new SparseSpinner(() => performance.now());
  private readonly inflight = new InflightTable();
  /** Intended send offsets (ms) of requests due but not yet sent, oldest first. */
  private readonly due = new NumberQueue();
  private readonly startedAtMs = Date.now();
  private readonly t0 = performance.now();
  readonly measureStart: number;
  private readonly sendDeadline: number;
  /** What the warm-up requests did: kept apart, discarded. */
  private readonly warm: WindowStats;
  /** What the measured requests did. */
  private readonly window: WindowStats;
  /** [warm, window], indexed by `measured`. */
  private readonly windows: readonly WindowStats[];
  /** Both windows' completions in STEADINESS_BUCKET_MS buckets, from the run's start. */
  private readonly steadiness: TimelineRecorder;
  private nextOffset: number;
  private nextMeasured = false;
  private seq = 0;
  private dueMeasured = 0;
  private maxBacklog = 0;
  private sendingDone = false;
  private finished = false;
  private drainTimer: NodeJS.Timeout | undefined;
  /** How the scheduler reached the current turn (a SEND_PATHS code, for the send trace). */
  private via = PATH_CODE.start;
  private readonly tick = (): void => {
    this.via = this.timer ? PATH_CODE.timer : PATH_CODE.immediate;
    this.timer = undefined;
    this.immediate = undefined;
    this.turn(true);
  };
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** How late the alarm's wake-up reaches the loop; it is set that much before a send. */
  private readonly alarmLateness: LatenessTracker;
  private alarmAt = Number.NaN;
  private readonly done: Completion = (seq, outcome) => this.complete(seq, outcome);

  constructor(
    private readonly opts: OpenLoopOptions,
    private readonly sink: RequestSink,
    private readonly alarm: Alarm,
    private readonly resolve: (r: OpenLoopResult) => void,
  ) {
    alarm.onRing = () => this.onAlarm();
    this.plan = new ArrivalPlan(opts);
    // Spin at most an eighth of the mean gap between sends: a generator that spins much of the time is
    // scheduled like a CPU hog on a shared machine (its sends and reads then wait in the run queue), and
    // takes CPU from the server it measures.
    const maxSpinMs = Math.min((opts.spinUs ?? 1000) / 1000, 125 / opts.rate);
    this.pacer = new Pacer(maxSpinMs);
    this.alarmLateness = new LatenessTracker(0.1, Math.max(maxSpinMs, 0.02));
    this.maxBatch = opts.maxBatch ?? 512;
    this.busyPoll = opts.sendMode === 'busy-poll';
    this.measureStart = this.t0 + opts.warmupS * 1000;
    this.sendDeadline = this.measureStart + opts.durationS * 1000 + (opts.sendGraceMs ?? Math.max(opts.timeoutMs, 1000));
    this.warm = new WindowStats(new TimelineRecorder(this.t0, Math.max(opts.warmupS, 1)));
    this.window = new WindowStats(new TimelineRecorder(this.measureStart, opts.durationS));
    this.windows = [this.warm, this.window];
    this.steadiness = new TimelineRecorder(this.t0, opts.warmupS + opts.durationS, STEADINESS_BUCKET_MS);
    this.nextOffset = this.nextPlanned();
  }

  start(): void {
    this.opts.trace?.start();
    this.wakeSoon();
  }

  // The next intended send offset; a measured one counts in the timeline's offered load.
  private nextPlanned(): number {
    const offset = this.plan.nextOffsetMs();
    this.nextMeasured = this.plan.produced > this.plan.warmupCount;
    if (!Number.isNaN(offset)) this.stats(this.nextMeasured).timeline.offer(this.t0 + offset);
    return offset;
  }

  // Warm-up and measured requests run the same code on two objects of one class: the measurement's
  // first requests then run code the JIT has already optimized on warm-up (no deoptimization, no
  // recompilation on the generator's thread just as the measurement starts).
  // An element load rather than `measured ? this.window : this.warm`: a branch never taken during the
  // warm-up has no type feedback, and V8 deoptimizes the function the first time it is.
  private stats(measured: boolean): WindowStats {
    return this.windows[measured ? 1 : 0]!;
  }

  // One scheduling turn: send what is due, then decide how to wait for the next send. `mayPace` allows
  // one precise blocking wait (never twice in a row without returning to the event loop).
  private turn(mayPace: boolean): void {
    if (this.finished || this.sendingDone) return;
    const now = performance.now();
    while (!Number.isNaN(this.nextOffset) && this.t0 + this.nextOffset <= now) {
      this.dueMeasured += this.nextMeasured ? 1 : 0;
      this.due.push(this.nextOffset);
      this.nextOffset = this.nextPlanned();
    }
    if (this.dueMeasured > this.maxBacklog) this.maxBacklog = this.dueMeasured;
    if (this.due.length > 0) this.sendDue(now);
    if (Number.isNaN(this.nextOffset) && this.due.length === 0) return this.endSending();
    if (now > this.sendDeadline) return this.endSending(); // hopelessly behind: stop; the rest is `unsent`
    if (this.due.length > 0) return this.wakeSoon(); // backlog: read responses, then go on
    const target = this.t0 + this.nextOffset;
    const waitMs = target - performance.now();
    if (this.busyPoll) return this.pollTo(target, waitMs, mayPace);
    if (waitMs > TIMER_MIN_MS) {
      this.window.timeline.settle();
      this.steadiness.settle();
      return this.wakeAfter(waitMs - TIMER_EARLY_MS);
    }
    if (this.inflight.count === 0) {
      if (!mayPace || waitMs <= 0) return this.wakeSoon();
      if (waitMs > 1) this.window.timeline.settle();
      this.pacer.waitUntil(target);
      this.via = PATH_CODE.pacer;
      return this.turn(false);
    }
    // Responses in flight: stay in epoll to read them, woken by the alarm a little before the send.
    if (waitMs > this.alarmLateness.estimateMs) return this.wakeByAlarm(target - this.alarmLateness.estimateMs);
    this.wakeSoon();
  }

  // busy-poll mode: nothing in flight → spin to the send (at most 1 ms, then let timers run); else one
  // non-blocking event-loop turn after another, reading responses as they arrive.
  private pollTo(target: number, waitMs: number, mayPace: boolean): void {
    if (this.inflight.count > 0 || !mayPace || waitMs <= 0) return this.wakeSoon();
    if (waitMs > 1) this.window.timeline.settle();
    this.spinner.spinUntil(Math.min(target, performance.now() + 1));
    this.via = PATH_CODE.spin;
    return this.turn(false);
  }

  // The next turn after the event loop has read what arrived (one continuation at a time).
  private wakeSoon(): void {
    if (this.immediate) return;
    this.clearWakes();
    this.immediate = setImmediate(this.tick);
  }

  private wakeAfter(ms: number): void {
    this.clearWakes();
    this.timer = setTimeout(this.tick, ms);
  }

  private wakeByAlarm(atMs: number): void {
    this.clearWakes();
    this.alarmAt = atMs;
    this.alarm.set(atMs);
  }

  private clearWakes(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.alarmAt = Number.NaN;
    this.alarm.cancel();
  }

  private onAlarm(): void {
    this.alarmLateness.observe(performance.now() - this.alarmAt);
    this.alarmAt = Number.NaN;
    this.via = PATH_CODE.alarm;
    this.turn(true);
  }

  private sendDue(now: number): void {
    for (let n = 0; n < this.maxBatch && this.due.length > 0; n++) {
      const offset = this.due.shift()!;
      const seq = this.seq++;
      const measured = seq >= this.plan.warmupCount;
      const lagUs = (now - (this.t0 + offset)) * 1000;
      if (measured) this.opts.trace?.record(now, lagUs, this.via, this.inflight.count);
      this.inflight.add(seq, offset);
      this.dueMeasured -= measured ? 1 : 0;
      this.stats(measured).sent(now, lagUs);
      this.sink.send(seq % this.opts.connections, seq, this.done, measured);
    }
    this.sink.flush?.();
  }

  private complete(seq: number, outcome: Outcome): void {
    if (this.finished) return;
    const offset = this.inflight.take(seq);
    if (Number.isNaN(offset)) return; // answered twice, or unknown
    // Nothing in flight any more: leave epoll for the pacer's precise wait (see turn()).
    if (this.inflight.count === 0 && !Number.isNaN(this.alarmAt)) this.wakeSoon();
    const at = performance.now();
    const latencyUs = (at - (this.t0 + offset)) * 1000;
    this.stats(seq >= this.plan.warmupCount).answered(at, latencyUs, outcome);
    if (outcome === 'ok') this.steadiness.complete(at, latencyUs);
    if (this.sendingDone && this.window.outstanding === 0) this.finish();
  }

  private endSending(): void {
    this.sendingDone = true;
    if (this.window.outstanding === 0) this.finish();
    else this.drainTimer = setTimeout(() => this.finish(), this.opts.timeoutMs);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.opts.trace?.stop();
    clearTimeout(this.drainTimer);
    this.clearWakes();
    void this.alarm.close();
    this.warm.destroy();
    const w = this.window;
    const span = (last: number): number => Math.max(this.opts.durationS, (last - this.measureStart) / 1000);
    this.resolve({
      latency: w.latency,
      sendLag: w.sendLag,
      sendMode: this.busyPoll ? 'busy-poll' : 'sleep',
      steadiness: this.steadiness.entries(),
      timeline: w.timeline.entries(),
      offeredRps: this.opts.rate,
      sent: w.sentCount,
      completed: w.completed,
      errors: w.errors,
      timeouts: w.outstanding,
      dropped: w.dropped,
      unsent: this.plan.measuredCount - w.sentCount,
      warmupSent: this.warm.sentCount,
      achievedRps: w.completed / span(w.lastCompletionMs),
      achievedSendRps: w.sentCount / span(w.lastSendMs),
      answeredRps: (w.completed + w.dropped) / span(w.lastAnswerMs),
      maxBacklog: this.maxBacklog,
      startedAtMs: this.startedAtMs,
      endedAtMs: Date.now(),
    });
  }
}

/**
 * Counts and recorders of one window (warm-up or measurement). Times are performance.now() ms; the
 * `last…` fields start at −∞ (a double, like every value stored later: a field that starts as a small
 * integer and later holds a double changes the object's hidden class, which deoptimizes the code using it).
 */
class WindowStats {
  readonly latency = new LatencyRecorder();
  readonly sendLag = new LatencyRecorder();
  sentCount = 0;
  completed = 0;
  errors = 0;
  dropped = 0;
  outstanding = 0;
  lastSendMs = Number.NEGATIVE_INFINITY;
  lastCompletionMs = Number.NEGATIVE_INFINITY;
  lastAnswerMs = Number.NEGATIVE_INFINITY;

  constructor(readonly timeline: TimelineRecorder) {}

  sent(atMs: number, lagUs: number): void {
    this.sentCount++;
    this.outstanding++;
    this.lastSendMs = atMs;
    this.sendLag.record(lagUs);
  }

  answered(atMs: number, latencyUs: number, outcome: Outcome): void {
    this.outstanding--;
    if (outcome === 'ok') {
      this.completed++;
      this.lastCompletionMs = atMs;
      this.lastAnswerMs = atMs;
      this.latency.record(latencyUs);
      this.timeline.complete(atMs, latencyUs);
    } else if (outcome === 'dropped') {
      this.dropped++;
      this.lastAnswerMs = atMs;
    } else {
      this.errors++;
      this.timeline.error(atMs);
    }
  }

  destroy(): void {
    this.latency.destroy();
    this.sendLag.destroy();
  }
}
