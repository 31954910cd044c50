import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findExecutable, type ManagedProcess } from '../process/index.ts';
import type { ProcessPlan } from '../plan/run-types.ts';
import { SERVER_PIDS } from '../plan/render-instrumentation.ts';
import { createLocalProcess } from '../process/from-plan.ts';
import type { MonitorRecord } from '../results/run-result-sections.ts';
import { parseMpstatJson } from './mpstat-parser.ts';
import { parsePidstat, parsePidstatSamples } from './pidstat-parser.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** A required monitor that cannot run. */
export class MonitorError extends HarnessError {
  readonly failureKind = 'observer' as const;
  override readonly name = 'MonitorError';
}

/** mpstat or pidstat for one run: start(pids), stop() (SIGINT), summary into run_result.json. */
export class HostMonitor {
  private proc: ManagedProcess | undefined;
  /** Its entry in run_result.json `monitors`: what it measured, or why it did not. */
  record: MonitorRecord | undefined;

  constructor(
    private readonly plan: ProcessPlan,
    private readonly required: boolean,
    private readonly artifactDir: string,
    private readonly warn: (message: string) => void,
  ) {}

  get process(): ManagedProcess | undefined {
    return this.proc;
  }

  async start(serverPids: number[]): Promise<void> {
    const tool = this.plan.argv[0]!;
    if (!findExecutable(tool)) {
      const message = `${tool} not found on PATH: install sysstat (Debian: apt-get install sysstat); ${this.plan.logFile} is not recorded for this run`;
      if (this.required) throw new MonitorError(`${message} (the monitor is required: instrumentation.monitors.${this.plan.name}.required)`);
      this.warn(message);
      this.record = { status: 'missing', warning: message };
      return;
    }
    const argv = this.plan.argv.map((a) => (a === SERVER_PIDS ? serverPids.join(',') : a));
    if (argv.includes('') || (this.plan.argv.includes(SERVER_PIDS) && serverPids.length === 0)) {
      this.record = { status: 'skipped', reason: 'no server processes to watch' };
      return;
    }
    this.proc = createLocalProcess({ ...this.plan, argv }, this.artifactDir);
    await this.proc.start();
  }

  async stop(): Promise<void> {
    if (!this.proc) return;
    await this.proc.stop();
    const text = readFileSync(path.join(this.artifactDir, this.plan.logFile), 'utf8');
    try {
      const summary = this.plan.name === 'mpstat' ? parseMpstatJson(text) : { processes: parsePidstat(text), samples: parsePidstatSamples(text) };
      this.record = { status: 'ok', log: this.plan.logFile, ...summary };
    } catch (err) {
      this.warn(`could not parse ${this.plan.logFile}: ${(err as Error).message}`);
      this.record = { status: 'unparsed', log: this.plan.logFile };
    }
  }
}
