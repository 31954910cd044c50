import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const KV_SERVER = 'experiments/workloads/kv/server.ts';
export const KV_GENERATOR = 'experiments/workloads/kv/generator.ts';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A workload program (`node --import tsx <script>`) started by a test; stopped by pid only. */
export class WorkloadProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;

  /** `nodeFlags`: flags of the `node` command itself (e.g. `--single-threaded-gc`, as the catalog starts generators). */
  constructor(script: string, args: readonly string[], nodeFlags: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  // Resolve with the first stdout match; reject if the process exits first or the deadline passes.
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    while (Date.now() < deadline) {
      const m = pattern.exec(this.stdout);
      if (m) return m;
      if (done) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${pattern} from pid ${this.pid} within ${timeoutMs} ms\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
  }

  // Wait for exit, killing (by pid) after `timeoutMs`.
  async wait(timeoutMs = 30_000): Promise<ExitInfo> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  // SIGTERM, then SIGKILL after `graceMs`; a no-op once exited.
  async stop(graceMs = 5000): Promise<ExitInfo> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.wait(graceMs);
  }
}

/** A kv server on a free port (`--port 0`, the port read back from its log line), registered in `procs`. */
export async function startKvServer(procs: ProcessList, args: readonly string[] = []): Promise<{ server: WorkloadProcess; port: number }> {
  const server = procs.add(new WorkloadProcess(KV_SERVER, ['--port', '0', ...args]));
  const m = await server.waitFor(/kv server listening on [^\s]+:(\d+)/);
  return { server, port: Number(m[1]) };
}

/** Processes a test started; `stopAll()` in afterEach stops each one (reverse order, all of them). */
export class ProcessList {
  private readonly procs: WorkloadProcess[] = [];

  add<T extends WorkloadProcess>(p: T): T {
    this.procs.push(p);
    return p;
  }

  async stopAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const p of this.procs.splice(0).reverse()) {
      await p.stop().catch((e: unknown) => errors.push(e));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'stopping workload processes failed');
  }
}
