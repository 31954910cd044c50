import { CommandError, describeEnd, type CommandOutcome } from './command-error.ts';
import { readLogTail } from './log-tail.ts';
import type { ProcessEvent } from './process-events.ts';
import { describeProbe, foreignListenerNote, waitForProbe } from './readiness.ts';
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

  // Race the readiness probe against the process's end and the deadline; resolves once ready,
  // rejects with a CommandError that says what was awaited (the process is stopped if still running).
  protected async awaitReady(logOffset: number): Promise<void> {
    const { name, ready: probe, readyTimeoutMs, timeoutMs, logPath } = this.opts;
    const began = Date.now();
    const abort = new AbortController();
    const owners = this.readinessOwners();
    const probing = waitForProbe(probe, { signal: abort.signal, deadline: began + readyTimeoutMs, logPath, logOffset, ...(owners ? { owners } : {}) });
    const result = await Promise.race([probing.then((ok) => (ok ? ('ready' as const) : ('deadline' as const)), (err: unknown) => err), this.exited.then(() => 'exit' as const)]);
    abort.abort();
    const waiting = `waiting for ${describeProbe(probe)}`;
    if (result === 'ready' && !this.gone) {
      this.emit({ kind: 'ready', name, pid: this.pid, time: new Date(), probe: describeProbe(probe), waitedMs: Date.now() - began });
      return;
    }
    if (result === 'ready' || result === 'exit') {
      const o = await this.exited;
      const explained = this.explainEnd(o);
      if (explained) throw explained;
      if (o.timedOut) throw new CommandError('timeout', `Command timed out after ${timeoutMs} ms before it was ready (${waiting})`, o);
      if (this.stopping !== undefined) throw new CommandError('not-ready', `Process was stopped before it was ready (${waiting})`, o);
      throw new CommandError('exit', `Process exited before it was ready (${waiting}) with ${describeEnd(o)}`, o);
    }
    const o = await this.stop(result === 'deadline' ? 'readiness deadline passed' : 'readiness probe failed');
    const foreign = probe.kind === 'tcp' && owners ? foreignListenerNote(probe.port, owners()) : '';
    if (result === 'deadline') throw new CommandError('not-ready', `Process not ready after ${readyTimeoutMs} ms (${waiting})${foreign}`, o);
    throw new CommandError('not-ready', `Readiness probe failed (${waiting}): ${String(result)}`, o, { cause: result });
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
