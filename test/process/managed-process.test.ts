import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError, ManagedProcess, formatEvent, listLiveGroups, type ProcessEvent } from '../../harness/process/index.ts';
import { isRunning, readPid, rejection, useProcessSandbox, waitStopped } from './support.ts';

const box = useProcessSandbox();

describe('wait()', () => {
  it('resolves the outcome of a successful command', async () => {
    const p = box.sh('ok', 'echo "$GREETING from $(pwd)"', { env: { GREETING: 'hello' } });
    await p.start();
    const o = await p.wait();
    expect(o).toMatchObject({ name: 'ok', command: ['sh', '-c', 'echo "$GREETING from $(pwd)"'], host: 'local', exitCode: 0, signal: null, timedOut: false, killed: false });
    expect(o.commandLine).toBe(`sh -c 'echo "$GREETING from $(pwd)"'`);
    expect(o.logTail).toBe(`hello from ${box.dir()}`);
    expect(new Date(o.startedAt).getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(o.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('rejects a non-zero exit with the tail of the output', async () => {
    const p = box.sh('fail', 'for i in $(seq 1 100); do echo "line $i"; done; echo "error: disk full" >&2; exit 4');
    await p.start();
    const err = (await rejection(p.wait())) as CommandError;
    expect(err.reason).toBe('exit');
    expect(err.outcome.exitCode).toBe(4);
    expect(err.message).toMatch(/^Command failed with exit code 4: fail: sh -c 'for i in/);
    expect(err.message).toMatch(/line 100\nerror: disk full$/);
    expect(err.message).not.toContain('line 50\n'); // only the tail: 40 lines
    expect(err.outcome.logTail.split('\n')).toHaveLength(40);
  });

  it('explains a kill when the log is empty', async () => {
    const p = box.sh('oom', 'kill -9 $$');
    await p.start();
    const err = (await rejection(p.wait())) as CommandError;
    expect(err.reason).toBe('signal');
    expect(err.message).toMatch(/^Command was killed by SIGKILL: oom: sh -c 'kill -9 \$\$'\n\n\(no output in .*oom\.log; killed by SIGKILL \(out of memory, or a hard kill\)\)$/);
  });

  it('is not held up by a background child that keeps the output open; strays are killed', async () => {
    const pidFile = path.join(box.dir(), 'stray.pid');
    const p = box.sh('stray', `sleep 30 & echo $! > ${pidFile}; echo done`);
    await p.start();
    const t0 = Date.now();
    await p.wait();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await waitStopped(await readPid(pidFile))).toBe(true);
    expect(listLiveGroups().some((g) => g.pgid === p.pid)).toBe(false);
  });

  it('on timeout kills the whole group, grandchildren included, and reports timedOut', async () => {
    const pidFile = path.join(box.dir(), 'grandchild.pid');
    const p = box.sh('tree', `sh -c 'echo $$ > ${pidFile}; exec sleep 30' & echo working; wait`, { timeoutMs: 300 });
    await p.start();
    const grandchild = await readPid(pidFile);
    expect(isRunning(grandchild)).toBe(true);
    const err = (await rejection(p.wait())) as CommandError;
    expect(err.reason).toBe('timeout');
    expect(err.outcome).toMatchObject({ timedOut: true, killed: true });
    expect(err.message).toMatch(/^Command timed out after 300 ms: tree: sh -c .*\n\n--- last lines of .*tree\.log ---\nworking$/);
    expect(await waitStopped(grandchild)).toBe(true);
    expect(isRunning(p.pid!)).toBe(false);
  });
});

describe('stop()', () => {
  it('escalates SIGTERM to SIGKILL for a process that traps TERM, idempotently', async () => {
    const events: ProcessEvent[] = [];
    const p = box.sh('stubborn', 'trap "" TERM; echo started; while true; do sleep 0.05; done', { graceMs: 300, ready: { kind: 'log', pattern: 'started' }, onEvent: (e) => events.push(e) });
    await p.start();
    const t0 = Date.now();
    const [o, again] = await Promise.all([p.stop(), p.stop()]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(o).toMatchObject({ signal: 'SIGKILL', killed: true, timedOut: false });
    expect(again).toEqual(o);
    expect(await p.stop()).toEqual(o);
    expect(p.running).toBe(false);
    expect(listLiveGroups().some((g) => g.pgid === p.pid)).toBe(false);
    const kills = events.filter((e) => e.kind === 'kill');
    expect(kills.map((e) => e.kind === 'kill' && e.signal)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(formatEvent(kills[1]!)).toMatch(/^kill {4}stubborn \[group \d+\] SIGKILL \(still running 300 ms after SIGTERM\)$/);
  });

  it('a process that honours SIGTERM is not killed harder', async () => {
    const p = box.sh('polite', 'trap "echo bye; exit 0" TERM; echo up; while true; do sleep 0.05; done', { ready: { kind: 'log', pattern: 'up' } });
    await p.start();
    const o = await p.stop();
    expect(o).toMatchObject({ exitCode: 0, signal: null, killed: true });
    expect(o.logTail).toMatch(/^up\n[^]*bye$/); // sh may also report its `sleep` child "Terminated"
    await expect(p.wait()).resolves.toEqual(o);
  });

  it('gives grandchildren the rest of the grace period after the leader exits', async () => {
    const pidFile = path.join(box.dir(), 'worker.pid');
    const worker = `trap "sleep 0.2; echo worker flushed; exit 0" TERM; echo $$ > ${pidFile}; while true; do sleep 0.05; done`;
    const p = box.sh('master', `sh -c '${worker}' & echo ready; wait`, { ready: { kind: 'log', pattern: 'ready' }, graceMs: 2000 });
    await p.start();
    const pid = await readPid(pidFile);
    await p.stop();
    expect(isRunning(pid)).toBe(false);
    expect(readFileSync(path.join(box.dir(), 'master.log'), 'utf8')).toContain('worker flushed');
  });

  it('SIGKILLs group members that outlive the leader past the grace period', async () => {
    const pidFile = path.join(box.dir(), 'deaf.pid');
    const events: ProcessEvent[] = [];
    const p = box.sh('leader', `sh -c 'trap "" TERM; echo $$ > ${pidFile}; while true; do sleep 0.05; done' & echo ready; wait`, {
      ready: { kind: 'log', pattern: 'ready' },
      graceMs: 300,
      onEvent: (e) => events.push(e),
    });
    await p.start();
    const deaf = await readPid(pidFile);
    const o = await p.stop();
    expect(o.signal).toBe('SIGTERM'); // the leader itself went at once
    expect(await waitStopped(deaf)).toBe(true);
    expect(events.filter((e) => e.kind === 'kill').map(formatEvent).at(-1)).toMatch(/SIGKILL \(group members still running 300 ms after SIGTERM\)$/);
  });

  it('is safe before start() and after exit', async () => {
    const never = box.sh('never', 'true');
    await expect(never.stop()).resolves.toMatchObject({ exitCode: null, killed: false, startedAt: '' });
    await expect(never.start()).rejects.toThrow(/already called/);
    expect(((await rejection(never.wait())) as CommandError).message).toMatch(/^Process was stopped before it was started: never: sh -c true/);

    const done = box.sh('done', 'exit 0');
    await done.start();
    await done.exited;
    await expect(done.stop()).resolves.toMatchObject({ exitCode: 0, killed: false });
  });
});

describe('events and outcome', () => {
  it('emits spawn, ready, exit in order, one formatter per kind', async () => {
    const events: ProcessEvent[] = [];
    const p = box.sh('evented', 'echo ready; exit 2', { ready: { kind: 'log', pattern: 'ready' }, onEvent: (e) => events.push(e) });
    await p.start().catch(() => {}); // may exit before the probe sees the line; either way the events hold
    await p.exited;
    expect(events[0]).toMatchObject({ kind: 'spawn', name: 'evented', pid: p.pid, cwd: box.dir() });
    expect(events.at(-1)).toMatchObject({ kind: 'exit', exitCode: 2, signal: null, killed: false });
    for (const e of events) expect(formatEvent(e)).toMatch(new RegExp(`^${e.kind} +evented \\[`));
  });

  it('a listener that throws does not break supervision', async () => {
    const p = box.sh('noisy', 'exit 0', { onEvent: () => { throw new Error('reporter bug'); } });
    await p.start();
    await expect(p.wait()).resolves.toMatchObject({ exitCode: 0 });
  });

  it('interleaves stdout and stderr in one log, creating parent folders', async () => {
    const logPath = path.join(box.dir(), 'deep', 'er', 'mixed.log');
    const p = box.track(new ManagedProcess({ name: 'mixed', argv: ['sh', '-c', 'echo 1; echo 2 >&2; echo 3; echo 4 >&2'], cwd: box.dir(), logPath }));
    await p.start();
    await p.wait();
    expect(readFileSync(logPath, 'utf8')).toBe('1\n2\n3\n4\n');
  });
});
