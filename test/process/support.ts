import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { ManagedProcess, type ManagedProcessOptions } from '../../harness/process/index.ts';

// A temp folder per test and teardown of every process a test created, failed tests included.
export function useProcessSandbox(): { dir: () => string; sh: (name: string, script: string, extra?: Partial<ManagedProcessOptions>) => ManagedProcess; track: (p: ManagedProcess) => ManagedProcess } {
  let dir = '';
  const procs: ManagedProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'harness-process-'));
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  const track = (p: ManagedProcess): ManagedProcess => (procs.push(p), p);
  const sh = (name: string, script: string, extra: Partial<ManagedProcessOptions> = {}): ManagedProcess =>
    track(new ManagedProcess({ name, argv: ['sh', '-c', script], cwd: dir, logPath: path.join(dir, `${name}.log`), ...extra }));
  return { dir: () => dir, sh, track };
}

// The pid a script wrote to a file (bounded wait).
export async function readPid(file: string, timeoutMs = 3000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid > 0) return pid;
    } catch {}
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pid in ${file} after ${timeoutMs} ms`);
}

// process.kill(pid, 0) says whether the pid exists; an unreaped zombie exists but no longer runs
// (PID 1 in this sandbox does not reap orphans), so /proc decides between the two.
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

// Wait (bounded) until a pid no longer runs; returns whether it stopped.
export async function waitStopped(pid: number, timeoutMs = 3000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isRunning(pid);
}

// The error a promise rejects with (fails the test if it resolves).
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
