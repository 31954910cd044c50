import type { ClientChannel } from 'ssh2';
import { CommandError, SupervisedProcess, endFailure, raceTimer, withSupervisionDefaults, type CommandOutcome, type ProcessPlace, type ResolvedSupervision, type SupervisionOptions } from '../process/index.ts';
import { buildKillCommand, buildRemoteCommand, displayRemoteCommand, type WrapperMarker } from './remote-command.ts';
import { RemoteLog } from './remote-log.ts';
import type { RemoteExec, RemoteHost } from './remote-host.ts';
import type { StartBarrier } from './start-barrier.ts';
import { connectionLostError, startFailure } from './remote-process-failures.ts';

export interface RemoteProcessOptions extends SupervisionOptions {
  host: RemoteHost;
  /** Remote directory to run in; `~/` is expanded by the remote shell. @default '~' */
  workdir?: string;
  /** Longest wait for the remote wrapper to report the command started (connect and barrier wait included). @default 60000 */
  startTimeoutMs?: number;
  /** Start together with the other parties of this barrier (fan-out). */
  barrier?: StartBarrier;
}

type Resolved = RemoteProcessOptions & ResolvedSupervision & Required<Pick<RemoteProcessOptions, 'workdir' | 'startTimeoutMs'>>;

/** How long to wait for the command channel to close after the remote group was killed. */
const REAP_LIMIT_MS = 5000;

/**
 * A command on a remote host with the surface of ManagedProcess: its own remote session and process
 * group (setsid), output streamed into a local log file, teardown by signal to the whole remote
 * group through a separate exec channel. A watchdog on the remote side kills the group when the
 * command's channel closes, so a dropped connection or a dead harness leaves nothing running.
 */
export class RemoteProcess extends SupervisedProcess<Resolved> {
  private pgid: number | undefined;
  private channel: ClientChannel | undefined;
  private log: RemoteLog | undefined;
  private connectionLost = false;
  private prelude: WrapperMarker | undefined;
  private onPrelude: (() => void) | undefined;

  constructor(opts: RemoteProcessOptions) {
    super({ workdir: '~', startTimeoutMs: 60_000, ...withSupervisionDefaults(opts) });
  }

  /** The remote process group id (the session leader's pid), once started. */
  get pid(): number | undefined {
    return this.pgid;
  }

  get host(): RemoteHost {
    return this.opts.host;
  }

  /** The fan-out barrier this process starts behind, if any. */
  get barrier(): StartBarrier | undefined {
    return this.opts.barrier;
  }

  // Connect, start the command in a new remote session and wait for readiness; failures are CommandErrors.
  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.opts.name}: start() was already called`);
    this.started = true;
    const { argv, host, name, logPath } = this.opts;
    if (argv.length === 0) return this.failStart(new CommandError('spawn', 'Empty command', this.outcome()));
    const log = (this.log = new RemoteLog(logPath));
    const startedAt = this.markStarted();
    const command = buildRemoteCommand({ argv, workdir: this.opts.workdir, env: this.opts.env, barrier: this.opts.barrier !== undefined, graceS: this.opts.graceMs / 1000, name });
    let run: RemoteExec;
    try {
      run = await host.exec(command);
      this.channel = run.channel;
    } catch (err) {
      await log.close();
      const failure = new CommandError('spawn', `Could not start on ${host.label}: ${(err as Error).message}`, this.outcome(), { cause: err });
      this.opts.barrier?.break(failure);
      return this.failStart(failure);
    }
    this.attach(run);
    if (this.stopping) this.channel.end(); // stop() while connecting: EOF makes the wrapper abort
    await this.waitForPrelude();
    if (this.pgid === undefined) return this.failStartAfterExit();
    this.emit({ kind: 'spawn', name, pid: this.pgid, time: startedAt, commandLine: displayRemoteCommand(argv, this.opts.workdir), cwd: `${host.label}:${this.opts.workdir}`, logPath });
    this.armTimeout();
    await this.awaitReady(log.offset);
  }

  // Until the wrapper reports (pgid, missing workdir, …), the channel closes, stop() runs or the start deadline passes.
  private async waitForPrelude(): Promise<void> {
    if (this.prelude || this.gone) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.onPrelude = resolve;
      timer = setTimeout(resolve, this.opts.startTimeoutMs);
    });
    clearTimeout(timer);
    this.onPrelude = undefined;
  }

  private attach(run: RemoteExec): void {
    const { channel, client } = run;
    let clientClosed = false;
    const onClientClose = (): void => void (clientClosed = true);
    client.once('close', onClientClose);
    this.log!.attach(channel, (m) => this.onMarker(m));
    void run.closed.then(() => {
      // The connection's 'close' may come just after the channel's: give it one turn of the loop.
      setImmediate(() => {
        client.removeListener('close', onClientClose);
        this.exitCode = run.exit?.code ?? null;
        this.signal = run.exit?.signal ?? null;
        // No exit status and no connection: sshd never reported how the command ended.
        this.connectionLost = run.exit === undefined && (clientClosed || !this.opts.host.connected);
        void this.log!.close().then(() => this.finish());
      });
    });
  }

  private onMarker(m: WrapperMarker): void {
    if (m.kind === 'waiting') {
      const barrier = this.opts.barrier;
      if (!barrier) return;
      barrier.arrive(() => this.channel?.write('go\n')).catch(() => this.channel?.end());
      return;
    }
    this.prelude = m;
    if (m.kind === 'pgid') this.pgid = m.pgid;
    this.onPrelude?.();
  }

  // The wrapper exited (or never reported) before the command started: say why.
  private async failStartAfterExit(): Promise<void> {
    const barrier = this.opts.barrier;
    const aborted = barrier?.brokenBy;
    if (!this.gone) {
      // A wrapper that reported a problem (or was aborted at the barrier) exits by itself; one that said nothing is cut off.
      if ((this.prelude === undefined && !aborted) || !(await raceTimer(this.exited, 2000))) this.channel?.close();
      await raceTimer(this.exited, REAP_LIMIT_MS);
      if (!this.gone) this.finish();
    }
    const { host, name, workdir, startTimeoutMs } = this.opts;
    const failure = startFailure({ host, name, workdir, startTimeoutMs, prelude: this.prelude, connectionLost: this.connectionLost, aborted, stopping: this.stopping !== undefined }, this.outcome());
    barrier?.break(failure);
    return this.failStart(failure);
  }

  private failStart(err: CommandError): never {
    if (!this.gone) this.finish();
    this.startFailure = err;
    throw err;
  }

  protected override explainEnd(o: CommandOutcome): CommandError | undefined {
    return this.connectionLost ? connectionLostError(this.opts.host, this.opts.name, o) : undefined;
  }

  // Wait for the command to finish; a non-zero exit, a signal, the timeout or a lost connection reject.
  async wait(): Promise<CommandOutcome> {
    if (!this.started) throw new Error(`${this.opts.name}: wait() before start()`);
    const o = await this.exited;
    if (this.startFailure) throw this.startFailure;
    if (this.connectionLost) throw connectionLostError(this.opts.host, this.opts.name, o);
    const failure = endFailure(o, { timeoutMs: this.opts.timeoutMs, exit127: 'not-found', noStatus: `Remote channel on ${this.opts.host.label} closed without an exit status` });
    if (failure) throw failure;
    return o;
  }

  // Stop signal to the remote group, grace period, then SIGKILL; idempotent, safe before start and after exit.
  stop(reason = 'stop requested'): Promise<CommandOutcome> {
    if (!this.started) return this.stopBeforeStart();
    this.stopping ??= this.stopRemote(reason);
    return this.stopping;
  }

  private async stopRemote(reason: string): Promise<CommandOutcome> {
    if (this.gone) return this.exited;
    this.killed = true;
    const { host, name, stopSignal, graceMs } = this.opts;
    if (this.pgid === undefined) {
      // Still starting: EOF on stdin aborts the wrapper at the barrier, or its watchdog kills the group.
      this.channel?.end();
      this.onPrelude?.();
      return (await raceTimer(this.exited, graceMs + REAP_LIMIT_MS)) ?? this.outcome();
    }
    const pgid = this.pgid;
    // The kill script prints `signal TERM`, `signal KILL` as it goes: one event per signal sent.
    const onStdout = (chunk: string): void => {
      for (const [, sig] of chunk.matchAll(/^signal (\w+)$/gm)) {
        this.emit({ kind: 'kill', name, pid: pgid, time: new Date(), signal: `SIG${sig}`, reason: sig === 'KILL' && stopSignal !== 'SIGKILL' ? `still running ${graceMs} ms after ${stopSignal}` : reason });
      }
    };
    try {
      await host.run(buildKillCommand(pgid, stopSignal, graceMs), { timeoutMs: graceMs + 15_000, onStdout });
    } catch {
      // No kill channel (connection gone): closing the command's channel hands the job to the watchdog.
      this.channel?.end();
    }
    return (await raceTimer(this.exited, REAP_LIMIT_MS)) ?? this.outcome();
  }

  protected override onGone(): void {
    this.onPrelude?.();
  }

  protected place(): ProcessPlace {
    return { commandLine: displayRemoteCommand(this.opts.argv, this.opts.workdir), host: this.opts.host.label, cwd: this.opts.workdir };
  }
}
