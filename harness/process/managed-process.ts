import { closeSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { execa, type Result } from 'execa';
import { CommandError, endFailure, type CommandOutcome } from './command-error.ts';
import { groupMembers, signalGroup } from './process-group.ts';
import { activeContainment, pdeathsigTool, registerGroup, unregisterGroup } from './process-registry.ts';
import { processesWithToken, wrapArgv, type RunContainment } from './containment.ts';
import { checkPortsFree, PortInUseError } from './ports.ts';
import { processTree } from './proc-info.ts';
import { quoteArgv } from '../util/quote.ts';
import { describeSpawnFailure } from './spawn-failure.ts';
import { SupervisedProcess, withSupervisionDefaults, type ProcessPlace, type ResolvedSupervision } from './supervised-process.ts';
import type { SupervisionOptions } from './supervision.ts';
import { raceTimer, sleep } from './timers.ts';

export interface ManagedProcessOptions extends SupervisionOptions {
  cwd: string;
  /** The run to contain the process in. @default the run open in this process, if any */
  containment?: RunContainment;
  /** Named ports the process will listen on: each must be free before it starts. @default {} */
  ports?: Record<string, number>;
}

/** How long to wait for a SIGKILLed leader to be reaped before giving up on it (D state, …). */
const REAP_LIMIT_MS = 5000;

/**
 * A local process in its own process group: readiness raced against exit and a deadline,
 * output (and that of its children) written straight to a log file, teardown by signal to the
 * whole group then SIGKILL. Usable without Vitest; fixtures only call start() and stop().
 */
export class ManagedProcess extends SupervisedProcess<ManagedProcessOptions & ResolvedSupervision> {
  private childPid: number | undefined;
  private spawnError: (Error & { code?: string }) | undefined;

  constructor(opts: ManagedProcessOptions) {
    super(withSupervisionDefaults(opts));
  }

  get pid(): number | undefined {
    return this.childPid;
  }

  // Spawn in a new process group and wait for readiness; on failure the group is killed and a CommandError thrown.
  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.opts.name}: start() was already called`);
    this.started = true;
    const { argv, cwd, logPath, name } = this.opts;
    const [file] = argv;
    if (!file) throw this.failBeforeSpawn('Empty command');
    try {
      checkPortsFree(this.opts.ports ?? {});
    } catch (err) {
      if (err instanceof PortInUseError) throw this.failBeforeSpawn(err.message, err);
      throw err;
    }
    let fd: number;
    try {
      mkdirSync(path.dirname(logPath), { recursive: true });
      // The child (and its children) write to the file directly: no pipe can keep a finished
      // process looking alive, or stall a child while the harness is busy.
      fd = openSync(logPath, 'a');
    } catch (err) {
      throw this.failBeforeSpawn(`Cannot open the log file ${logPath} (${(err as Error).message})`, err);
    }
    const logOffset = fstatSync(fd).size;
    const startedAt = this.markStarted();
    try {
      // execa's types only name fds 0–9; any open fd passes straight through to Node's spawn.
      const logFd = fd as 3;
      // In the run's cgroup (or at least with a parent-death signal), carrying the run's token.
      const containment = this.opts.containment ?? activeContainment();
      const baseEnv = this.opts.env ?? {};
      const spawn = containment ? containment.wrap(argv, cwd, baseEnv) : { argv: wrapArgv(argv, cwd, baseEnv, pdeathsigTool(), []), env: baseEnv };
      const child = execa(spawn.argv[0]!, spawn.argv.slice(1), {
        cwd,
        env: spawn.env,
        extendEnv: true,
        detached: true, // its own process group, so stop() reaches grandchildren too
        cleanup: false, // the registry kills groups when the harness exits
        reject: false,
        buffer: false,
        stdin: 'ignore',
        stdout: logFd,
        stderr: logFd,
      });
      this.childPid = child.pid;
      if (child.pid !== undefined) containment?.recordSpawn(name, child.pid);
      void child.then((result) => this.onExit(result), (err: unknown) => this.onExit({ cause: err }));
    } catch (err) {
      this.spawnError = err as Error; // invalid options: execa throws before spawning
      this.finish();
    } finally {
      closeSync(fd);
    }
    if (this.childPid === undefined) {
      await this.exited;
      throw this.spawnFailure();
    }
    registerGroup(this.childPid, name, (reason) => this.stop(reason));
    this.emit({ kind: 'spawn', name, pid: this.childPid, time: startedAt, commandLine: quoteArgv(argv), cwd, logPath });
    this.armTimeout();
    await this.awaitReady(logOffset);
  }

  // Our own processes: the run's (cgroup members, or carriers of its token), else this process's tree.
  protected override readinessOwners(): () => ReadonlySet<number> {
    return () => {
      const containment = this.opts.containment ?? activeContainment();
      const own = new Set(this.childPid === undefined ? [] : processTree(this.childPid));
      for (const pid of containment?.cgroup?.pids() ?? (containment ? processesWithToken(containment.token) : [])) own.add(pid);
      return own;
    };
  }

  private failBeforeSpawn(headline: string, cause?: unknown): CommandError {
    this.finish();
    this.startFailure = new CommandError('spawn', headline, this.outcome(), cause === undefined ? undefined : { cause });
    return this.startFailure;
  }

  // Wait for the process to finish; non-zero exit, a signal or the timeout reject with CommandError.
  async wait(): Promise<CommandOutcome> {
    if (!this.started) throw new Error(`${this.opts.name}: wait() before start()`);
    const o = await this.exited;
    if (this.childPid === undefined) throw this.startFailure ?? this.spawnFailure();
    const failure = endFailure(o, { timeoutMs: this.opts.timeoutMs });
    if (failure) throw failure;
    return o;
  }

  // Stop signal to the whole group, grace period, then SIGKILL; idempotent, safe before start and after exit.
  stop(reason = 'stop requested'): Promise<CommandOutcome> {
    if (this.childPid === undefined) {
      return this.started ? this.exited : this.stopBeforeStart();
    }
    this.stopping ??= this.stopGroup(this.childPid, reason);
    return this.stopping;
  }

  private async stopGroup(pgid: number, reason: string): Promise<CommandOutcome> {
    const graceEnd = Date.now() + this.opts.graceMs;
    if (!this.gone) {
      this.killed = true;
      this.signalGroup(pgid, this.opts.stopSignal, reason);
      if ((await raceTimer(this.exited, this.opts.graceMs)) === undefined) {
        this.signalGroup(pgid, 'SIGKILL', `still running ${this.opts.graceMs} ms after ${this.opts.stopSignal}`);
        unregisterGroup(pgid);
        return (await raceTimer(this.exited, REAP_LIMIT_MS)) ?? this.outcome();
      }
    }
    // The leader is gone; the rest of the group gets what is left of the grace period.
    for (let i = 0; i < 1000 && Date.now() < graceEnd && groupMembers(pgid).length > 0; i++) await sleep(20);
    if (groupMembers(pgid).length > 0) this.signalGroup(pgid, 'SIGKILL', `group members still running ${this.opts.graceMs} ms after ${this.opts.stopSignal}`);
    unregisterGroup(pgid);
    return this.exited;
  }

  private onExit(result: Pick<Result, 'cause'> & Partial<Pick<Result, 'exitCode' | 'signal'>>): void {
    try {
      this.exitCode = result.exitCode ?? null;
      this.signal = result.signal ?? null;
      // Neither exit code nor signal: the process never ran (ENOENT, EACCES, bad cwd, …).
      if (this.exitCode === null && this.signal === null && result.cause) this.spawnError = result.cause as Error & { code?: string };
      const pgid = this.childPid;
      // Strays of a command that finished on its own; during stop() the group gets its grace period instead.
      if (pgid !== undefined && !this.stopping) {
        if (groupMembers(pgid).length > 0) this.signalGroup(pgid, 'SIGKILL', `left behind when ${this.opts.name} exited`);
        unregisterGroup(pgid);
      }
    } finally {
      this.finish(); // `exited` must resolve whatever happened above
    }
  }

  private spawnFailure(): CommandError {
    const { reason, headline } = describeSpawnFailure(this.spawnError, this.opts.argv[0] ?? '', this.opts.cwd);
    return new CommandError(reason, headline, this.outcome(), { cause: this.spawnError });
  }

  private signalGroup(pgid: number, signal: NodeJS.Signals, reason: string): void {
    if (signalGroup(pgid, signal)) this.emit({ kind: 'kill', name: this.opts.name, pid: pgid, time: new Date(), signal, reason });
  }

  protected place(): ProcessPlace {
    return { commandLine: quoteArgv(this.opts.argv), host: 'local', cwd: this.opts.cwd };
  }
}
