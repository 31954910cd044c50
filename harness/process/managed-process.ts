import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { quoteArgv } from '../util/quote.ts';
import { CommandError, type CommandOutcome } from './command-error.ts';
import { readLogTail } from './log-tail.ts';
import type { ProcessEvent } from './process-events.ts';
import { registerGroup, unregisterGroup } from './process-registry.ts';
import { describeProbe, pollProbe, type ReadinessProbe } from './readiness.ts';

export interface ManagedProcessOptions {
  /** Role name used in messages and events, e.g. `kv-server`. */
  name: string;
  argv: string[];
  cwd: string;
  /** Merged over the harness's environment. */
  env?: Record<string, string>;
  /** stdout and stderr are appended here, interleaved. */
  logPath: string;
  /** @default { kind: 'none' } */
  ready?: ReadinessProbe;
  /** @default 10000 */
  readyTimeoutMs?: number;
  /** Limit for wait(); the group is killed when it passes. @default none */
  timeoutMs?: number;
  /** @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
  /** Time between the stop signal and SIGKILL of the group. @default 5000 */
  graceMs?: number;
  onEvent?: (e: ProcessEvent) => void;
}

/**
 * A local process in its own process group: readiness raced against exit and a deadline,
 * teardown by signal then SIGKILL to the whole group, output in a log file.
 */
export class ManagedProcess {
  private readonly opts: Required<Omit<ManagedProcessOptions, 'onEvent' | 'timeoutMs' | 'env'>> & ManagedProcessOptions;
  private child: ResultPromise | undefined;
  private log: WriteStream | undefined;
  private startTime = 0;
  private endTime = 0;
  private startedAt = new Date(0);
  private exitCode: number | null = null;
  private signal: string | null = null;
  private timedOut = false;
  private killed = false;
  private spawnError: Error | undefined;
  private resolveExited!: (o: CommandOutcome) => void;
  private stopping: Promise<CommandOutcome> | undefined;
  private gone = false;
  /** Resolves when the process is gone (never rejects). */
  readonly exited: Promise<CommandOutcome>;

  constructor(opts: ManagedProcessOptions) {
    this.opts = { ready: { kind: 'none' }, readyTimeoutMs: 10_000, stopSignal: 'SIGTERM', graceMs: 5000, ...opts };
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && !this.gone;
  }

  // Spawn and wait for readiness; on failure the group is killed and a CommandError thrown.
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.opts.name} was already started`);
    const { argv, cwd, logPath } = this.opts;
    mkdirSync(path.dirname(logPath), { recursive: true });
    this.log = createWriteStream(logPath, { flags: 'a' });
    this.startTime = performance.now();
    this.startedAt = new Date();
    const child = execa(argv[0]!, argv.slice(1), {
      cwd,
      env: this.opts.env ?? {},
      extendEnv: true,
      detached: true,
      cleanup: false,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    this.child = child;
    if (child.pid !== undefined) registerGroup(child.pid, this.opts.name);
    const logPattern = this.opts.ready.kind === 'log' ? new RegExp(this.opts.ready.pattern) : undefined;
    let sawLine: (() => void) | undefined;
    const logSeen = new Promise<void>((resolve) => (sawLine = resolve));
    let partial = '';
    const onData = (chunk: Buffer): void => {
      this.log!.write(chunk);
      if (!logPattern) return;
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (lines.some((l) => logPattern.test(l)) || logPattern.test(partial)) sawLine!();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void child.then((result) => this.onExit(result as unknown as { exitCode?: number; signal?: string; code?: string; cause?: unknown; originalMessage?: string }));
    this.emit({ kind: 'spawn', name: this.opts.name, pid: child.pid, time: new Date(), commandLine: quoteArgv(argv), cwd });
    await this.awaitReady(logSeen);
  }

  private async awaitReady(logSeen: Promise<void>): Promise<void> {
    const probe = this.opts.ready;
    const began = performance.now();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((r) => (timer = setTimeout(() => r('deadline'), this.opts.readyTimeoutMs)));
    const ready = probe.kind === 'log' ? logSeen : probe.kind === 'none' ? Promise.resolve() : pollProbe(probe, abort.signal);
    const outcome = await Promise.race([ready.then(() => 'ready' as const), this.exited.then(() => 'exit' as const), deadline]);
    abort.abort();
    clearTimeout(timer);
    if (outcome === 'ready' && !this.gone) {
      this.emit({ kind: 'ready', name: this.opts.name, pid: this.pid, time: new Date(), probe: describeProbe(probe), waitedMs: Math.round(performance.now() - began) });
      return;
    }
    if (outcome === 'ready' || outcome === 'exit') {
      const o = await this.exited;
      if (this.spawnError) throw new CommandError('not-found', this.spawnHeadline(), o, { cause: this.spawnError });
      throw new CommandError('exit', `Process exited before it was ready (${describeProbe(probe)}) with ${o.signal ?? `exit code ${o.exitCode}`}`, o);
    }
    await this.stop();
    throw new CommandError('not-ready', `Process not ready after ${this.opts.readyTimeoutMs} ms (waiting for ${describeProbe(probe)})`, this.outcome());
  }

  private spawnHeadline(): string {
    const code = (this.spawnError as { code?: string } | undefined)?.code;
    if (code === 'ENOENT') return `Executable not found on PATH or in ${this.opts.cwd}: ${this.opts.argv[0]}`;
    if (code === 'EACCES') return `Executable is not executable (permission denied): ${this.opts.argv[0]}`;
    return `Could not start process (${this.spawnError?.message ?? 'spawn failed'})`;
  }

  // Wait for the process to finish; non-zero exit, a signal or the timeout reject with CommandError.
  async wait(): Promise<CommandOutcome> {
    if (!this.child) throw new Error(`${this.opts.name} was not started`);
    let timer: NodeJS.Timeout | undefined;
    if (this.opts.timeoutMs !== undefined && !this.gone) {
      timer = setTimeout(() => {
        this.timedOut = true;
        this.emit({ kind: 'timeout', name: this.opts.name, pid: this.pid, time: new Date(), timeoutMs: this.opts.timeoutMs! });
        void this.stop('timeout');
      }, this.opts.timeoutMs);
    }
    const o = await this.exited;
    clearTimeout(timer);
    if (this.spawnError) throw new CommandError('not-found', this.spawnHeadline(), o, { cause: this.spawnError });
    if (o.timedOut) throw new CommandError('timeout', `Command timed out after ${this.opts.timeoutMs} ms`, o);
    if (o.signal) throw new CommandError('signal', `Command was killed by ${o.signal}`, o);
    if (o.exitCode !== 0) throw new CommandError('exit', `Command failed with exit code ${o.exitCode}`, o);
    return o;
  }

  // Stop signal to the whole group, grace period, then SIGKILL; idempotent and safe at any time.
  stop(reason = 'teardown'): Promise<CommandOutcome> {
    if (!this.child) {
      this.gone = true;
      return Promise.resolve(this.outcome());
    }
    this.stopping ??= this.stopGroup(reason);
    return this.stopping;
  }

  private async stopGroup(reason: string): Promise<CommandOutcome> {
    const pgid = this.child!.pid;
    if (pgid !== undefined) {
      if (!this.gone) {
        this.killed = true;
        this.signalGroup(pgid, this.opts.stopSignal, reason);
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<'grace'>((r) => (timer = setTimeout(() => r('grace'), this.opts.graceMs)));
        const first = await Promise.race([this.exited.then(() => 'exited' as const), grace]);
        clearTimeout(timer);
        if (first === 'grace') this.signalGroup(pgid, 'SIGKILL', `still running ${this.opts.graceMs} ms after ${this.opts.stopSignal}`);
      }
      // The leader may be gone while children of the group live on: kill the rest of the group too.
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {}
      unregisterGroup(pgid);
    }
    return this.exited;
  }

  private signalGroup(pgid: number, signal: NodeJS.Signals, reason: string): void {
    this.emit({ kind: 'kill', name: this.opts.name, pid: pgid, time: new Date(), signal, reason });
    try {
      process.kill(-pgid, signal);
    } catch {}
  }

  private onExit(result: { exitCode?: number; signal?: string; code?: string; cause?: unknown; originalMessage?: string }): void {
    this.endTime = performance.now();
    this.exitCode = result.exitCode ?? null;
    this.signal = result.signal ?? null;
    const cause = result.cause as { code?: string; syscall?: string } | undefined;
    if (this.exitCode === null && this.signal === null && cause?.syscall?.startsWith('spawn')) this.spawnError = result.cause as Error;
    const finish = (): void => {
      this.gone = true;
      const o = this.outcome();
      this.emit({ kind: 'exit', name: this.opts.name, pid: this.pid, time: new Date(), exitCode: o.exitCode, signal: o.signal, durationMs: o.durationMs });
      // Nothing of this group should remain once the leader is gone and we are not waiting on it.
      this.resolveExited(o);
    };
    if (this.log) this.log.end(finish);
    else finish();
  }

  // Snapshot of the outcome so far (final once `exited` resolved).
  outcome(): CommandOutcome {
    return {
      name: this.opts.name,
      command: this.opts.argv,
      commandLine: quoteArgv(this.opts.argv),
      host: 'local',
      cwd: this.opts.cwd,
      exitCode: this.exitCode,
      signal: this.signal,
      startedAt: this.startedAt.toISOString(),
      durationMs: this.startTime ? Math.round((this.endTime || performance.now()) - this.startTime) : 0,
      timedOut: this.timedOut,
      killed: this.killed,
      logPath: this.opts.logPath,
      logTail: readLogTail(this.opts.logPath, { lines: 40, bytes: 4096 }),
    };
  }

  private emit(e: ProcessEvent): void {
    this.opts.onEvent?.(e);
  }
}
