import { CommandError, type CommandOutcome } from './command-error.ts';
import { readLogTail } from './log-tail.ts';
import type { ProcessEvent } from './process-events.ts';
import { awaitReadiness } from './supervised-end.ts';
import type { SupervisionOptions } from './supervision.ts';

/** SupervisionOptions with their defaults applied. */
export type ResolvedSupervision = SupervisionOptions & Required<Pick<SupervisionOptions, 'ready' | 'readyTimeoutMs' | 'stopSignal' | 'graceMs'>>;

// The defaults every supervised process shares (readiness none within 10 s, SIGTERM then 5 s grace).
export function withSupervisionDefaults<O extends SupervisionOptions>(opts: O): O & ResolvedSupervision {
  return { ready: { kind: 'none' }, readyTimeoutMs: 10_000, stopSignal: 'SIGTERM', graceMs: 5000, ...opts };
}

/** Where a process ran, as its outcome reports it. */
export type ProcessPlace = Pick<CommandOutcome, 'commandLine' | 'host' | 'cwd'>;

/**
 * What a local and a remote process share: the outcome being recorded (clocks, exit status, timed
 * out, killed), the deadline, readiness racing, the end event and the `exited` promise. Subclasses
 * say how the process starts and stops and where it runs.
 */
export abstract class SupervisedProcess<O extends ResolvedSupervision> {
  protected readonly opts: O;
  protected started = false;
  protected exitCode: number | null = null;
  protected signal: string | null = null;
  protected timedOut = false;
  protected killed = false;
  protected gone = false;
  /** Why there is no process although start() or stop() ran. */
  protected startFailure: CommandError | undefined;
  protected stopping: Promise<CommandOutcome> | undefined;
  private startClock = 0;
  private endClock = 0;
  private startedAt = new Date(0);
  private timeoutTimer: NodeJS.Timeout | undefined;
  private resolveExited!: (o: CommandOutcome) => void;
  /** Resolves when the process is gone or could not start (never rejects). */
  readonly exited: Promise<CommandOutcome>;

  constructor(opts: O) {
    this.opts = opts;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** The process group id (the leader's pid), once started. */
  abstract get pid(): number | undefined;

  get running(): boolean {
    return this.pid !== undefined && !this.gone;
  }

  // Stop signal to the whole group, grace period, then SIGKILL; idempotent, safe before start and after exit.
  abstract stop(reason?: string): Promise<CommandOutcome>;

  /** Command line, host and working directory as the outcome reports them. */
  protected abstract place(): ProcessPlace;

  /** A cause that explains an end better than its exit status (e.g. a lost connection). */
  protected explainEnd(_o: CommandOutcome): CommandError | undefined {
    return undefined;
  }

  /** The pids whose listener satisfies a tcp probe; undefined: any listener (remote processes). */
  protected readinessOwners(): (() => ReadonlySet<number>) | undefined {
    return undefined;
  }

  /** Called once the process is gone, just before `exited` resolves. */
  protected onGone(): void {}

  protected markStarted(): Date {
    this.startClock = performance.now();
    this.startedAt = new Date();
    return this.startedAt;
  }

  // The run deadline, counted from now: then the group is stopped and wait() rejects as timed out.
  protected armTimeout(): void {
    const { timeoutMs } = this.opts;
    if (timeoutMs === undefined) return;
    this.timeoutTimer = setTimeout(() => {
      if (this.gone) return;
      this.timedOut = true;
      this.emit({ kind: 'timeout', name: this.opts.name, pid: this.pid, time: new Date(), timeoutMs });
      void this.stop(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
  }

  protected awaitReady(logOffset: number): Promise<void> {
    return awaitReadiness({
      name: this.opts.name,
      probe: this.opts.ready,
      readyTimeoutMs: this.opts.readyTimeoutMs,
      timeoutMs: this.opts.timeoutMs,
      logPath: this.opts.logPath,
      logOffset,
      exited: this.exited,
      pid: () => this.pid,
      isGone: () => this.gone,
      isStopping: () => this.stopping !== undefined,
      stop: (reason) => this.stop(reason),
      emit: (e) => this.emit(e),
      explainEnd: (o) => this.explainEnd(o),
      ...(this.readinessOwners() ? { owners: this.readinessOwners()! } : {}),
    });
  }

  // stop() before start(): nothing ran, and a later start() must not run what was already torn down.
  protected stopBeforeStart(): Promise<CommandOutcome> {
    this.started = true;
    this.finish();
    this.startFailure = new CommandError('spawn', 'Process was stopped before it was started', this.outcome());
    return this.exited;
  }

  // Record the end once: clocks, timer, the exit event (when there was a process), then `exited`.
  protected finish(): void {
    if (this.gone) return;
    this.gone = true;
    this.endClock = performance.now();
    clearTimeout(this.timeoutTimer);
    const o = this.outcome();
    const pid = this.pid;
    if (pid !== undefined) {
      this.emit({ kind: 'exit', name: this.opts.name, pid, time: new Date(), exitCode: o.exitCode, signal: o.signal, durationMs: o.durationMs, killed: o.killed, timedOut: o.timedOut });
    }
    this.onGone();
    this.resolveExited(o);
  }

  // Snapshot of the outcome so far (final once `exited` resolved).
  outcome(): CommandOutcome {
    return {
      name: this.opts.name,
      command: [...this.opts.argv],
      ...this.place(),
      exitCode: this.exitCode,
      signal: this.signal,
      startedAt: this.startClock ? this.startedAt.toISOString() : '', // '' when it never started
      durationMs: this.startClock ? Math.round((this.endClock || performance.now()) - this.startClock) : 0,
      timedOut: this.timedOut,
      killed: this.killed,
      logPath: this.opts.logPath,
      logTail: readLogTail(this.opts.logPath, { lines: 40, bytes: 4096 }),
    };
  }

  protected emit(e: ProcessEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {} // a broken listener must not break supervision
  }
}
