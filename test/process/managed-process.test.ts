import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlive as alive, waitGone } from '../helpers/pids.ts';
import { CommandError, ManagedProcess, listLiveGroups, type ManagedProcessOptions } from '../../harness/process/index.ts';

let dir: string;
const procs: ManagedProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'proc-'));
});
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function proc(name: string, script: string, extra: Partial<ManagedProcessOptions> = {}): ManagedProcess {
  const p = new ManagedProcess({ name, argv: ['sh', '-c', script], cwd: dir, logPath: path.join(dir, `${name}.log`), ...extra });
  procs.push(p);
  return p;
}

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}


async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid > 0) return pid;
    } catch {}
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pid in ${file}`);
}

describe('readiness', () => {
  it('waits for a TCP port', async () => {
    const port = await freePort();
    const server = `require('net').createServer(()=>{}).listen(${port}, '127.0.0.1')`;
    const p = new ManagedProcess({ name: 'tcp', argv: [process.execPath, '-e', `setTimeout(()=>{${server}}, 200)`], cwd: dir, logPath: path.join(dir, 'tcp.log'), ready: { kind: 'tcp', host: '127.0.0.1', port } });
    procs.push(p);
    await p.start();
    expect(p.running).toBe(true);
  });

  it('waits for a log line', async () => {
    const p = proc('log', 'sleep 0.2; echo "listening on 1234"; sleep 30', { ready: { kind: 'log', pattern: /listening on \d+/ } });
    await p.start();
    expect(p.running).toBe(true);
    await p.stop(); // the log stream is flushed once the process is gone
    expect(readFileSync(path.join(dir, 'log.log'), 'utf8')).toContain('listening on 1234');
  });

  it('fails with the log tail when the process exits before it is ready', async () => {
    const p = proc('crash', 'echo "fatal: bad config at line 3" >&2; exit 3', { ready: { kind: 'log', pattern: 'ready' } });
    const err = await p.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).reason).toBe('exit');
    expect((err as CommandError).message).toMatch(/exited before it was ready.*exit code 3: crash: sh -c/);
    expect((err as CommandError).message).toContain('fatal: bad config at line 3');
  });

  it('gives up at the deadline and kills the process', async () => {
    const p = proc('slow', 'sleep 30', { ready: { kind: 'log', pattern: 'never' }, readyTimeoutMs: 300 });
    const err = (await p.start().catch((e: unknown) => e)) as CommandError;
    expect(err.reason).toBe('not-ready');
    expect(err.message).toMatch(/not ready after 300 ms/);
    await p.exited;
    expect(alive(p.pid!)).toBe(false);
  });

  it('says which executable was not found', async () => {
    const p = new ManagedProcess({ name: 'nope', argv: ['definitely-not-a-command-xyz'], cwd: dir, logPath: path.join(dir, 'nope.log') });
    const err = (await p.start().then(() => p.wait()).catch((e: unknown) => e)) as CommandError;
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toMatch(/Executable not found on PATH.*definitely-not-a-command-xyz/);
  });
});

describe('wait and stop', () => {
  it('rejects a non-zero exit with the output', async () => {
    const p = proc('fail', 'echo some output; exit 4');
    await p.start();
    const err = (await p.wait().catch((e: unknown) => e)) as CommandError;
    expect(err.message).toMatch(/^Command failed with exit code 4: fail: sh -c/);
    expect(err.outcome.exitCode).toBe(4);
    expect(err.message).toContain('some output');
  });

  it('kills the whole group, grandchildren included, on timeout', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const p = proc('tree', `sh -c 'echo $$ > ${pidFile}; exec sleep 30' & wait`, { timeoutMs: 300 });
    await p.start();
    const grandchild = await readPid(pidFile);
    const err = (await p.wait().catch((e: unknown) => e)) as CommandError;
    expect(err.reason).toBe('timeout');
    expect(err.outcome.timedOut).toBe(true);
    expect(await waitGone(grandchild)).toBe(true);
  });

  it('escalates to SIGKILL when the process ignores the stop signal', async () => {
    const p = proc('stubborn', 'trap "" TERM; echo started; while true; do sleep 0.05; done', { graceMs: 200, ready: { kind: 'log', pattern: 'started' } });
    await p.start();
    const t0 = Date.now();
    const o = await p.stop();
    expect(o.signal).toBe('SIGKILL');
    expect(o.killed).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(await p.stop()).toEqual(o); // idempotent
    expect(listLiveGroups().some((g) => g.pgid === p.pid)).toBe(false);
  });

  it('stops a process that was never started', async () => {
    const p = proc('never', 'true');
    await expect(p.stop()).resolves.toMatchObject({ exitCode: null, killed: false });
  });
});
