import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCgroupSupport, processesWithToken, RunContainment, sweepLeftovers, type ContainmentHost } from '../../harness/process/containment.ts';
import { harnessCgroupParents, RunCgroup } from '../../harness/process/cgroup.ts';
import { LEDGER_DIR, PROCESSES_SUFFIX, readLedger } from '../../harness/process/ledger.ts';
import { ReaperLink } from '../../harness/process/reaper-link.ts';
import { ManagedProcess } from '../../harness/process/index.ts';
import { isAlive, waitGone } from '../helpers/pids.ts';
import { readPid } from './support.ts';

// RunContainment with real cgroups (v2 and v1 on this host) and the fallback, plus the leftover
// sweep against forged ledger entries (the artifacts root is hostile input).
let dir: string;
const procs: ManagedProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'harness-contain-unit-'));
});
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function host(kind: 'v2' | 'v1' | 'none'): ContainmentHost {
  return { support: detectCgroupSupport(kind), setpriv: '/usr/bin/setpriv', reaper: new ReaperLink(), warned: true };
}

function start(c: RunContainment, script: string): ManagedProcess {
  const p = new ManagedProcess({ name: 'srv', argv: ['sh', '-c', script], cwd: dir, logPath: path.join(dir, 'srv.log'), containment: c });
  procs.push(p);
  return p;
}

describe('RunContainment', () => {
  it.each(['v2', 'v1', 'none'] as const)('%s: close() kills a process that left the group (setsid) and removes the cgroup and ledger entry', async (kind) => {
    const h = host(kind);
    expect(h.support.kind).toBe(kind);
    const warnings: string[] = [];
    const c = new RunContainment(h, dir, { name: 'w/baseline/default/0', id: 'abc', artifactDir: dir }, (m) => warnings.push(m));
    expect(existsSync(path.join(dir, LEDGER_DIR, `${c.token}.json`))).toBe(true);
    const p = start(c, `setsid sh -c 'echo $$ > ${dir}/escapee.pid; exec sleep 60' & exec sleep 60`);
    await p.start();
    const escapee = await readPid(path.join(dir, 'escapee.pid'));
    expect(processesWithToken(c.token).sort()).toEqual([p.pid!, escapee].sort());
    // The ledger reads back what the run started (appended beside the entry).
    const [ledger] = readLedger(dir);
    expect(ledger!.entry!.processes).toEqual([expect.objectContaining({ name: 'srv', pid: p.pid, pgid: p.pid })]);
    expect(existsSync(path.join(dir, LEDGER_DIR, `${c.token}${PROCESSES_SUFFIX}`))).toBe(true);
    if (kind !== 'none') {
      expect(c.cgroup!.pids().sort()).toEqual([p.pid!, escapee].sort());
      expect(c.cpuUsageUsec()).toBeGreaterThanOrEqual(0);
    } else expect(c.cgroup).toBeNull();
    await p.stop();
    expect(isAlive(escapee)).toBe(true); // the group kill did not reach it
    await c.close();
    expect(await waitGone(escapee, 2000)).toBe(true);
    expect(warnings.join('\n')).toMatch(/killed 1 process\(es\).*sleep 60/);
    for (const d of c.cgroup?.dirs ?? []) expect(existsSync(d)).toBe(false);
    expect(existsSync(path.join(dir, LEDGER_DIR))).toBe(false);
  });
});

describe('sweepLeftovers', () => {
  it('acts only on what a forged ledger entry may name: its own token carriers and cgroups under the harness parent', async () => {
    const support = detectCgroupSupport('v2');
    const outside = mkdtempSync(path.join(os.tmpdir(), 'not-a-cgroup-'));
    mkdirSync(path.join(dir, LEDGER_DIR));
    // Owner long dead (pid 1's start time is not 1), naming this test process and a foreign folder.
    writeFileSync(
      path.join(dir, LEDGER_DIR, 'forged.json'),
      JSON.stringify({ version: 1, token: 'forged-token', run: { name: 'x', id: 'y', artifact_dir: dir }, owner: { pid: 1, start_time: 1, command_line: '' }, created_at: '', cgroup: { kind: 'v2', dirs: [outside] }, processes: [{ name: 'me', pid: process.pid, pgid: process.pid, start_time: 1, command_line: '' }] }),
    );
    writeFileSync(path.join(dir, LEDGER_DIR, 'garbage.json'), '{"version": 1, "token": "../../x"');
    const found = await sweepLeftovers(dir, support);
    expect(found.map((f) => f.description).sort()).toEqual([`leftover of a dead harness (pid 1, run x): nothing was still running; ledger entry removed`, `unreadable ledger file ${path.join(dir, LEDGER_DIR, 'garbage.json')} removed`].sort());
    expect(isAlive(process.pid)).toBe(true);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(path.join(dir, LEDGER_DIR))).toBe(false);
    rmSync(outside, { recursive: true });
  });

  it('takes a FIFO planted as a ledger entry or as its process list for unreadable, without blocking, and removes it', async () => {
    mkdirSync(path.join(dir, LEDGER_DIR));
    const entry = { version: 1, token: 'tok', run: { name: 'x', id: 'y', artifact_dir: dir }, owner: { pid: 1, start_time: 1, command_line: '' }, created_at: '', cgroup: null, processes: [] };
    writeFileSync(path.join(dir, LEDGER_DIR, 'tok.json'), JSON.stringify(entry));
    execFileSync('mkfifo', [path.join(dir, LEDGER_DIR, `tok${PROCESSES_SUFFIX}`), path.join(dir, LEDGER_DIR, 'fifo.json')]);
    const found = await sweepLeftovers(dir, detectCgroupSupport('none'));
    expect(found.map((f) => f.description).sort()).toEqual([`unreadable ledger file ${path.join(dir, LEDGER_DIR, 'fifo.json')} removed`, `unreadable ledger file ${path.join(dir, LEDGER_DIR, 'tok.json')} removed`]);
    expect(existsSync(path.join(dir, LEDGER_DIR))).toBe(false);
  });

  it('removes a run cgroup whose owner is dead even without a ledger entry, killing what is in it', async () => {
    // A parent of this test's own, so sweeps of concurrent suites on this host never see it.
    const real = detectCgroupSupport('v2');
    const parent = path.join(path.dirname((real as { parent: string }).parent), `harness-test-${process.pid}`);
    mkdirSync(parent);
    const support = { kind: 'v2' as const, parent };
    const cg = RunCgroup.create(support, 'run-999999-1-deadbeef');
    const c = { cgroup: cg, token: 'unused', wrap: (argv: string[]) => ({ argv: ['/bin/sh', '-c', `echo $$ > '${cg.procsFiles[0]}'; exec "$@"`, 'j', ...argv], env: {} }), recordSpawn: () => undefined } as unknown as RunContainment;
    const p = start(c, 'exec sleep 60');
    await p.start();
    // Ready at spawn: the join runs a moment later, and the exec into sleep after it (on a slow host,
    // well after it: the sweep names the process by its command line at that moment).
    const cmdline = (): string => {
      try {
        return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        return '';
      }
    };
    for (let i = 0; i < 500 && (cg.pids().length === 0 || cmdline() !== 'sleep 60'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(cg.pids()).toEqual([p.pid]);
    expect(await sweepLeftovers(undefined, support)).toEqual([]); // a run's sweep: its own ledger only
    const found = await sweepLeftovers(undefined, support, { allCgroups: true });
    rmdirSync(parent);
    const mine = found.filter((f) => f.description.includes('run-999999-1-deadbeef'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.description).toMatch(new RegExp(`killed pid ${p.pid} \\(sleep 60\\), removed`));
    expect(existsSync(cg.dirs[0]!)).toBe(false);
    expect(harnessCgroupParents(support)).toEqual([parent]);
  });
});
