// Real servers on loopback for the result adapters' tests (test/results/adapters/): a tiny HTTP
// server and redis-server, each on a port the OS picked, and a load tool run with its output in a
// log file the way a client's log is written. Every process is stopped by its pid.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { freePort } from './ports.ts';

const HELLO = path.resolve(import.meta.dirname, '../fixtures/programs/http-hello.mjs');

/** A server a test started; stop() ends it by pid. */
export interface LoopbackServer {
  port: number;
  stop(): Promise<void>;
}

// Wait for a line of the process's stdout matching `re` (its first group), or fail after `ms`.
async function awaitLine(proc: ResultPromise, re: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms; output: ${seen.slice(-500)}`)), ms);
    proc.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const m = re.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? m[0]);
      }
    });
    proc.catch((err: unknown) => {
      clearTimeout(timer);
      reject(err as Error);
    });
  });
}

function stopper(proc: ResultPromise): () => Promise<void> {
  return async () => {
    if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM');
    await proc.catch(() => undefined);
  };
}

// The tiny HTTP server (test/fixtures/programs/http-hello.mjs).
export async function startHttpServer(): Promise<LoopbackServer> {
  const proc = execa('node', [HELLO], { reject: false, buffer: false });
  const port = Number(await awaitLine(proc, /port (\d+)/, 10_000));
  return { port, stop: stopper(proc) };
}

// redis-server without persistence on a free port.
export async function startRedis(): Promise<LoopbackServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-'));
  const proc = execa('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], { reject: false, buffer: false });
  await awaitLine(proc, /Ready to accept connections/, 15_000);
  const stop = stopper(proc);
  return { port, stop: async () => { await stop(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A finished tool run: its log (stdout and stderr, as a client log holds them) and when it ran. */
export interface ToolRun {
  argv: string[];
  cwd: string;
  logPath: string;
  startedAt: string;
  durationMs: number;
}

// Run a load tool to completion (bounded by `timeoutMs`) with its output in `dir`/<name>.log.
export async function runTool(dir: string, name: string, argv: string[], timeoutMs = 60_000): Promise<ToolRun> {
  const logPath = path.join(dir, `${name}.log`);
  writeFileSync(logPath, '');
  const started = new Date();
  await execa(argv[0]!, argv.slice(1), { cwd: dir, stdout: { file: logPath, append: true }, stderr: { file: logPath, append: true }, stdin: 'ignore', timeout: timeoutMs, forceKillAfterDelay: 2000 });
  return { argv, cwd: dir, logPath, startedAt: started.toISOString(), durationMs: Date.now() - started.getTime() };
}
