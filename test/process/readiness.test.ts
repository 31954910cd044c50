import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError, ManagedProcess, listLiveGroups } from '../../harness/process/index.ts';
import { freePort } from '../helpers/ports.ts';
import { isRunning, rejection, useProcessSandbox } from './support.ts';

const box = useProcessSandbox();

// A node one-liner run as a managed process.
function node(name: string, code: string, extra: Partial<ConstructorParameters<typeof ManagedProcess>[0]> = {}): ManagedProcess {
  return box.track(new ManagedProcess({ name, argv: [process.execPath, '-e', code], cwd: box.dir(), logPath: path.join(box.dir(), `${name}.log`), ...extra }));
}

describe('readiness probes', () => {
  it('tcp: ready once the port accepts connections', async () => {
    const port = await freePort();
    const events: string[] = [];
    const server = `require('net').createServer(() => {}).listen(${port}, '127.0.0.1')`;
    const p = node('tcp', `setTimeout(() => ${server}, 200)`, { ready: { kind: 'tcp', host: '127.0.0.1', port }, onEvent: (e) => events.push(e.kind) });
    const t0 = Date.now();
    await p.start();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(p.running).toBe(true);
    expect(events).toEqual(['spawn', 'ready']);
  });

  it('log: ready on a matching line on stdout or stderr, output kept in the log', async () => {
    const p = box.sh('log', 'echo starting; sleep 0.2; echo "listening on 1234" >&2; sleep 30', { ready: { kind: 'log', pattern: /listening on \d+/g } });
    await p.start();
    expect(readFileSync(path.join(box.dir(), 'log.log'), 'utf8')).toBe('starting\nlistening on 1234\n');
  });

  it('log: a string pattern is a regular expression; a prompt without a newline counts', async () => {
    const p = box.sh('prompt', 'printf "ready> "; sleep 30', { ready: { kind: 'log', pattern: '^ready>' } });
    await p.start();
    expect(p.running).toBe(true);
  });

  it('log: only output written after the spawn counts (the log file is appended to)', async () => {
    const first = box.sh('same', 'echo ready');
    await first.start();
    await first.wait();
    const second = box.sh('same', 'sleep 30', { ready: { kind: 'log', pattern: 'ready' }, readyTimeoutMs: 300 });
    expect(((await rejection(second.start())) as CommandError).reason).toBe('not-ready');
  });

  it('http: any response counts, even an error status', async () => {
    const port = await freePort();
    const server = `require('http').createServer((q, s) => { s.statusCode = 503; s.end('warming up'); }).listen(${port}, '127.0.0.1')`;
    const p = node('http', `setTimeout(() => ${server}, 200)`, { ready: { kind: 'http', url: `http://127.0.0.1:${port}/health` } });
    await p.start();
    expect(p.running).toBe(true);
  });

  it('delay: ready after the delay if still running', async () => {
    const p = box.sh('delay', 'sleep 30', { ready: { kind: 'delay', ms: 150 } });
    const t0 = Date.now();
    await p.start();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('readiness failures', () => {
  it('a process that exits before it is ready fails with reason exit and its log tail', async () => {
    const p = box.sh('crash', 'echo "loading config"; echo "fatal: bad config at line 3" >&2; exit 3', { ready: { kind: 'tcp', host: '127.0.0.1', port: await freePort() } });
    const err = (await rejection(p.start())) as CommandError;
    expect(err).toBeInstanceOf(CommandError);
    expect(err.reason).toBe('exit');
    expect(err.outcome.exitCode).toBe(3);
    const [headline, blank, banner, ...tail] = err.message.split('\n');
    expect(headline).toMatch(/^Process exited before it was ready \(waiting for tcp 127\.0\.0\.1:\d+\) with exit code 3: crash: sh -c 'echo /);
    expect(blank).toBe('');
    expect(banner).toBe(`--- last lines of ${path.join(box.dir(), 'crash.log')} ---`);
    expect(tail).toEqual(['loading config', 'fatal: bad config at line 3']);
    expect(listLiveGroups().some((g) => g.pgid === p.pid)).toBe(false);
  });

  it('the readiness deadline kills the group and says what it waited for', async () => {
    const p = box.sh('slow', 'echo booting; sleep 30', { ready: { kind: 'log', pattern: 'never' }, readyTimeoutMs: 300 });
    const t0 = Date.now();
    const err = (await rejection(p.start())) as CommandError;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err.reason).toBe('not-ready');
    expect(err.message).toMatch(/^Process not ready after 300 ms \(waiting for log line matching never\): slow: sh -c/);
    expect(err.message).toContain('booting');
    expect(err.outcome).toMatchObject({ killed: true, signal: 'SIGTERM' });
    expect(isRunning(p.pid!)).toBe(false);
  });

  it('a missing executable is reported by name, without a stack of spawn details', async () => {
    const p = box.track(new ManagedProcess({ name: 'nope', argv: ['definitely-not-a-command-xyz', '--flag'], cwd: box.dir(), logPath: path.join(box.dir(), 'nope.log') }));
    const err = (await rejection(p.start())) as CommandError;
    expect(err.reason).toBe('not-found');
    expect(err.message.split('\n')[0]).toBe('Executable not found on PATH: definitely-not-a-command-xyz: nope: definitely-not-a-command-xyz --flag');
    expect(err.cause).toMatchObject({ code: 'ENOENT' });
    expect(p.pid).toBeUndefined();
    expect(((await rejection(p.wait())) as CommandError).reason).toBe('not-found');
  });

  it('a command not found by the shell (exit 127) is explained when the log says nothing', async () => {
    const p = box.sh('sh127', 'exec 2>/dev/null; no-such-tool-xyz', { ready: { kind: 'delay', ms: 2000 } });
    const err = (await rejection(p.start())) as CommandError;
    expect(err.message).toMatch(/with exit code 127 \(command not found \(exit code 127\)\)/);
    expect(err.message).toMatch(/\(no output in .*sh127\.log; command not found \(exit code 127\)\)$/);
  });

  it('a missing working directory is not blamed on the executable', async () => {
    const p = box.track(new ManagedProcess({ name: 'nocwd', argv: ['sh', '-c', 'true'], cwd: path.join(box.dir(), 'missing'), logPath: path.join(box.dir(), 'nocwd.log') }));
    const err = (await rejection(p.start())) as CommandError;
    expect(err.reason).toBe('spawn');
    expect(err.message).toMatch(/^Working directory does not exist: .*missing: nocwd: sh -c true/);
  });

  it('a file without execute permission is named as such', async () => {
    const script = path.join(box.dir(), 'server.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const p = box.track(new ManagedProcess({ name: 'noexec', argv: [script], cwd: box.dir(), logPath: path.join(box.dir(), 'noexec.log') }));
    const err = (await rejection(p.start())) as CommandError;
    expect(err.reason).toBe('spawn');
    expect(err.message.split('\n')[0]).toBe(`Executable is not executable (permission denied): ${script}: noexec: ${script}`);
  });

  it('a log file that cannot be opened fails before anything is spawned', async () => {
    const p = box.track(new ManagedProcess({ name: 'badlog', argv: ['sh', '-c', 'sleep 30'], cwd: box.dir(), logPath: box.dir() }));
    const err = (await rejection(p.start())) as CommandError;
    expect(err.reason).toBe('spawn');
    expect(err.message).toMatch(/^Cannot open the log file .* \(EISDIR/);
    expect(p.pid).toBeUndefined();
    await expect(p.exited).resolves.toMatchObject({ exitCode: null, startedAt: '' });
  });

  it('stop() during readiness ends start() with not-ready', async () => {
    const p = box.sh('stopped', 'sleep 30', { ready: { kind: 'log', pattern: 'never' } });
    const starting = rejection(p.start());
    await new Promise((r) => setTimeout(r, 100));
    await p.stop();
    const err = (await starting) as CommandError;
    expect(err.reason).toBe('not-ready');
    expect(err.message).toMatch(/^Process was stopped before it was ready/);
  });
});
