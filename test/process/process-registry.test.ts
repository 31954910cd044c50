import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { killAllGroups, listLiveGroups } from '../../harness/process/index.ts';
import { isRunning, readPid, useProcessSandbox, waitStopped } from './support.ts';

const box = useProcessSandbox();
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/harness-child.ts', import.meta.url));

// Run the stand-in harness (a separate node process) and hand back its child's and grandchild's pids.
function runHarness(mode: 'exit' | 'throw' | 'wait') {
  return execa(process.execPath, ['--import', 'tsx', fixture, mode, box.dir()], { cwd: repoRoot, reject: false, timeout: 20_000, all: true });
}

describe('process registry', () => {
  it.each(['exit', 'throw'] as const)('kills every group when the harness itself ends (%s)', async (mode) => {
    const harness = await runHarness(mode);
    expect(harness.exitCode, harness.all).toBe(mode === 'exit' ? 0 : 1);
    const leader = await readPid(path.join(box.dir(), 'leader.pid'));
    const grandchild = await readPid(path.join(box.dir(), 'grandchild.pid'));
    expect(await waitStopped(grandchild)).toBe(true);
    expect(await waitStopped(leader)).toBe(true);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('kills every group on %s, then dies of that signal', async (signal) => {
    const harness = runHarness('wait');
    const grandchild = await readPid(path.join(box.dir(), 'grandchild.pid'), 10_000);
    await readPid(path.join(box.dir(), 'leader.pid'));
    expect(isRunning(grandchild)).toBe(true);
    harness.kill(signal);
    const result = await harness;
    expect(result.signal, result.all).toBe(signal);
    expect(await waitStopped(grandchild)).toBe(true);
  });

  it('listLiveGroups tracks running groups; killAllGroups empties it', async () => {
    const p = box.sh('listed', 'echo up; sleep 30', { ready: { kind: 'log', pattern: 'up' } });
    await p.start();
    expect(listLiveGroups()).toContainEqual(expect.objectContaining({ pgid: p.pid, name: 'listed' }));
    expect(killAllGroups()).toBeGreaterThanOrEqual(1);
    const o = await p.exited;
    expect(o.signal).toBe('SIGKILL');
    expect(listLiveGroups().some((g) => g.pgid === p.pid)).toBe(false);
  });
});
