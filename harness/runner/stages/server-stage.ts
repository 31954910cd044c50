import { CommandError, type CommandOutcome, type ManagedProcess } from '../../process/index.ts';
import { createLocalProcess } from '../../process/from-plan.ts';
import type { ProcessPlan } from '../../plan/run-types.ts';
import { commandRecord } from '../command-record.ts';
import type { RunContext, RunStage, StageReport, StartedGroup } from '../stage.ts';
import type { PrepareStage } from './prepare-stage.ts';

/** A server (or antagonist) that exited on its own while the run still needed it: a CommandError with its log path and tail. */
export class ServerExitedError extends CommandError {
  constructor(plan: ProcessPlan, outcome: CommandOutcome, during: string) {
    super('unexpected-exit', `Server ${plan.name} ${outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`} ${during}`, outcome);
    this.name = 'ServerExitedError';
  }
}

/** The workload's servers and antagonists, started in order and each ready before the next. */
export class ServerStage implements RunStage {
  readonly name = 'servers';
  private readonly started: { plan: ProcessPlan; proc: ManagedProcess }[] = [];
  private watching = true;
  private earlyExit: { plan: ProcessPlan; outcome: CommandOutcome } | undefined;
  private onCrash: ((err: ServerExitedError) => void) | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly prepare: PrepareStage,
  ) {}

  async start(): Promise<void> {
    for (const plan of this.prepare.commands.servers) {
      const proc = createLocalProcess(plan, this.ctx.artifactDir, (e) => this.ctx.event(e));
      this.started.push({ plan, proc });
      void proc.exited.then((o) => {
        if (!this.watching || o.killed) return;
        this.earlyExit ??= { plan, outcome: o };
        this.onCrash?.(new ServerExitedError(plan, o, 'while the clients were running'));
      });
      await proc.start();
    }
    this.ctx.phase('servers_ready');
  }

  /** Pids the observer and pidstat watch: the workload's servers (not antagonists). */
  serverPids(): number[] {
    return this.started.filter((s) => s.plan.role === 'server' && s.proc.pid !== undefined).map((s) => s.proc.pid!);
  }

  /** Local process groups started so far (servers and antagonists), for CPU accounting. */
  groups(): StartedGroup[] {
    return this.started.flatMap((s) => (s.proc.pid !== undefined ? [{ name: s.plan.name, role: s.plan.role, pid: s.proc.pid }] : []));
  }

  /** Rejects as soon as a server exits on its own (for racing the load against). */
  crashed(): Promise<never> {
    const crash = new Promise<never>((_, reject) => {
      if (this.earlyExit) reject(new ServerExitedError(this.earlyExit.plan, this.earlyExit.outcome, 'while the clients were running'));
      this.onCrash = reject;
    });
    crash.catch(() => undefined);
    return crash;
  }

  // After the load: a server that died meanwhile still invalidates the run; later exits are teardown's.
  endWatch(): void {
    this.watching = false;
    if (this.earlyExit) throw new ServerExitedError(this.earlyExit.plan, this.earlyExit.outcome, 'before the run ended');
  }

  async stop(): Promise<void> {
    this.watching = false;
    const errors: unknown[] = [];
    // Reverse start order: antagonists and later servers may depend on earlier ones.
    for (const { proc } of [...this.started].reverse()) await proc.stop().catch((err: unknown) => errors.push(err));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} servers failed to stop`);
  }

  report(): StageReport {
    const started = new Map(this.started.map((s) => [s.plan, s.proc]));
    return { commands: this.prepare.commands.servers.map((plan) => commandRecord(plan, this.ctx.artifactDir, started.get(plan))) };
  }
}
