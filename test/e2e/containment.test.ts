import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { detectCgroupSupport, processesWithToken, sweepLeftovers } from '../../harness/process/containment.ts';
import type { CgroupPreference } from '../../harness/process/cgroup.ts';
import { readLedger, type LedgerEntry } from '../../harness/process/ledger.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { runCli } from '../helpers/cli.ts';
import { isAlive, waitGone } from '../helpers/pids.ts';
import { execa } from 'execa';

// Real harness runs (CLI → Vitest → worker → servers) killed in the ways a user or the OS would.
const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
let project: TempProject;
let port: number;

// A server that leaves a grandchild in its own session (setsid) and runs inside `timeout`, which
// makes its own process group: neither is reached by a signal to the server's process group.
function workload(count: number): string {
  return `server:
  name: srv
  command: ["sh", "-c", "setsid sh -c 'echo $$ > ${project.root}/escapee.pid; exec sleep 300' & exec timeout 120 node ${programs}/tiny-server.mjs --port {{ports.main}}"]
  ports: { main: ${port} }
  ready: { tcp: { host: 127.0.0.1, port: "{{ports.main}}" }, timeout_s: 10 }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count ${count} --interval-ms 25
  timeout_s: 60
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`;
}

function suite(name: string, config: string): void {
  project.suite(name, `workloads:\n  - name: w\n    config: experiments/configs/workloads/${config}.yaml\n    modes: [baseline]\n    repetitions: 1\n`);
}

// The ledger entry of the live run once its client has started (bounded wait).
async function liveEntry(artifacts: string, timeoutMs = 30_000): Promise<LedgerEntry> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const e = readLedger(artifacts).find((f) => f.entry?.processes.some((p) => p.name === 'gen'))?.entry;
    if (e) return e;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no live run with a started client in ${artifacts}`);
}

// Every process of the run gone (token carriers, cgroup members, the escapee). The reaper does it in
// milliseconds on an idle machine; the bound only has to be far below the escapee's own 300 s and the
// next run's sweep (which runs after this check), so a loaded machine is given 20 s.
const GONE_LIMIT_MS = 20_000;
async function expectRunGone(entry: LedgerEntry, escapee: number, limitMs = GONE_LIMIT_MS): Promise<void> {
  const end = Date.now() + limitMs;
  const left = (): boolean => processesWithToken(entry.token).length > 0 || isAlive(escapee) || (entry.cgroup?.dirs ?? []).some((d) => existsSync(d));
  while (Date.now() < end && left()) await new Promise((r) => setTimeout(r, 20));
  expect(processesWithToken(entry.token)).toEqual([]);
  expect(isAlive(escapee)).toBe(false);
  for (const dir of entry.cgroup?.dirs ?? []) expect(existsSync(dir), dir).toBe(false);
}

function results(artifacts: string): { status: string; warnings: string[]; error: { message: string } | null; containment: { mode: string; cgroup: string[] | null } | null }[] {
  return readdirSync(artifacts)
    .filter((d) => existsSync(path.join(artifacts, d, 'run_result.json')))
    .map((d) => JSON.parse(readFileSync(path.join(artifacts, d, 'run_result.json'), 'utf8')));
}

beforeAll(async () => {
  project = new TempProject('harness-contain-');
  port = await freePort();
  project.workload('long', workload(2000));
  project.workload('short', workload(10));
  suite('long', 'long');
  suite('short', 'short');
  // Generate the suite files once, so the runs below do not race to write them.
  expect((await runCli(['compile'], { cwd: project.root })).exitCode).toBe(0);
});
// A failed assertion must not leave a run's processes behind for the next test (or engineer).
afterEach(async () => {
  const support = detectCgroupSupport('auto');
  for (const d of readdirSync(project.root).filter((n) => n.startsWith('out-'))) await sweepLeftovers(path.join(project.root, d), support);
});
afterAll(() => project.dispose());

describe('containment', () => {
  it.each(['v2', 'v1', 'none'])('kills a server that left its process group (setsid, timeout) at teardown (containment %s)', async (mode) => {
    {
      const artifacts = path.join(project.root, `out-teardown-${mode}`);
      const res = await runCli(['run', '--suite', 'short', '--artifacts', artifacts], { cwd: project.root, env: { HARNESS_CGROUP: mode } });
      expect(res.exitCode, `${mode}: ${res.all}`).toBe(0);
      const escapee = Number(readFileSync(path.join(project.root, 'escapee.pid'), 'utf8'));
      expect(await waitGone(escapee, GONE_LIMIT_MS), `${mode}: escapee pid ${escapee}`).toBe(true);
      const [r] = results(artifacts);
      // Which containment ran: the one this host offers for that choice (a host without v1 runs process groups).
      const offered = detectCgroupSupport(mode as CgroupPreference);
      const expected = offered.kind === 'none' ? 'process groups' : `cgroup ${offered.kind}`;
      console.log(`containment ${mode}: ran ${r!.containment?.mode}`);
      expect(r!.containment?.mode, mode).toBe(expected);
      expect(r!.containment?.cgroup === null, mode).toBe(offered.kind === 'none');
      expect(r!.warnings.join('\n'), mode).toMatch(/killed 1 process\(es\).*sleep 300/);
      expect(readdirSync(artifacts)).not.toContain('.ledger');
    }
  }, 120_000);

  it('SIGKILL of the Vitest worker leaves no process of the run alive, and the next suite passes', async () => {
    const artifacts = path.join(project.root, 'out-kill-worker');
    const harness = runCli(['run', '--suite', 'long', '--artifacts', artifacts], { cwd: project.root });
    const entry = await liveEntry(artifacts);
    const escapee = Number(readFileSync(path.join(project.root, 'escapee.pid'), 'utf8'));
    expect(isAlive(escapee)).toBe(true);
    process.kill(entry.owner.pid, 'SIGKILL');
    await expectRunGone(entry, escapee);
    const res = await harness;
    expect(res.exitCode).not.toBe(0);
    const next = await runCli(['run', '--suite', 'short', '--artifacts', artifacts], { cwd: project.root });
    expect(next.exitCode, next.all).toBe(0);
  }, 120_000);

  it('SIGKILL of the harness process leaves no process of the run alive, and the next suite passes', async () => {
    const artifacts = path.join(project.root, 'out-kill-harness');
    const harness = runCli(['run', '--suite', 'long', '--artifacts', artifacts], { cwd: project.root });
    const entry = await liveEntry(artifacts);
    const escapee = Number(readFileSync(path.join(project.root, 'escapee.pid'), 'utf8'));
    harness.kill('SIGKILL');
    await expectRunGone(entry, escapee);
    await harness.catch(() => undefined);
    expect(isAlive(entry.owner.pid)).toBe(false);
    const next = await runCli(['run', '--suite', 'short', '--artifacts', artifacts], { cwd: project.root });
    expect(next.exitCode, next.all).toBe(0);
  }, 120_000);

  it.each([
    ['none', 'harness doctor'],
    ['v2', 'the next run'],
  ])('SIGKILL of every harness process (containment %s) leaves leftovers that %s names and removes', async (mode, by) => {
    const artifacts = path.join(project.root, `out-kill-all-${mode}`);
    const harness = runCli(['run', '--suite', 'long', '--artifacts', artifacts], { cwd: project.root, env: { HARNESS_CGROUP: mode } });
    const entry = await liveEntry(artifacts);
    const escapee = Number(readFileSync(path.join(project.root, 'escapee.pid'), 'utf8'));
    const server = entry.processes.find((p) => p.name === 'srv')!;
    // The reaper, the worker and the harness, all at once: nothing gets to clean up.
    const reaper = readdirSync('/proc').find((p) => /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('reaper.sh') && readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(entry.owner.pid));
    expect(reaper).toBeDefined();
    for (const p of [Number(reaper), entry.owner.pid, harness.pid!]) process.kill(p, 'SIGKILL');
    await harness.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    // The server's leader (timeout) died of its parent-death signal; its child and the escapee did not.
    expect(isAlive(escapee)).toBe(true);
    const res = by === 'harness doctor' ? await runCli(['doctor', '--artifacts', artifacts], { cwd: project.root }) : await runCli(['run', '--suite', 'short', '--artifacts', artifacts], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.all).toContain(`leftover of a dead harness (pid ${entry.owner.pid}, run w/baseline/default/0)`);
    expect(res.all).toMatch(/sleep 300/);
    expect(res.all).toContain(`(node ${programs}/tiny-server.mjs --port ${port}`);
    expect(await waitGone(escapee, GONE_LIMIT_MS)).toBe(true);
    expect(isAlive(server.pid)).toBe(false);
    for (const dir of entry.cgroup?.dirs ?? []) expect(existsSync(dir), dir).toBe(false);
    expect(existsSync(path.join(artifacts, '.ledger'))).toBe(false);
  }, 120_000);

  it('SIGTERM to the harness stops the suite within the grace period, records `interrupted` and rewrites the reports', async () => {
    const artifacts = path.join(project.root, 'out-sigterm');
    const reports = path.join(project.root, 'reports-sigterm');
    mkdirSync(reports, { recursive: true });
    writeFileSync(path.join(reports, 'junit.xml'), '<testsuites><!-- an earlier suite: 2 passed --></testsuites>');
    const harness = runCli(['run', '--suite', 'long', '--artifacts', artifacts], { cwd: project.root, env: { HARNESS_REPORTS_DIR: reports } });
    const entry = await liveEntry(artifacts);
    const escapee = Number(readFileSync(path.join(project.root, 'escapee.pid'), 'utf8'));
    const sent = Date.now();
    harness.kill('SIGTERM');
    const res = await harness;
    // Stopped early: the harness's 30 s grace (then SIGKILL) plus exit, well before the client's 50 s of load ends.
    expect(Date.now() - sent).toBeLessThan(45_000);
    expect(res.exitCode, res.all).toBe(143);
    expect(res.all).toContain('interrupted (SIGTERM)');
    const [r] = results(artifacts);
    expect(r!.status).toBe('interrupted');
    expect(r!.error!.message).toMatch(/^interrupted by SIGTERM/);
    const junit = readFileSync(path.join(reports, 'junit.xml'), 'utf8');
    expect(junit).not.toContain('an earlier suite');
    expect(junit).toContain('w/baseline/default/0');
    expect(existsSync(path.join(reports, 'summary.json'))).toBe(true);
    await expectRunGone(entry, escapee);
  }, 120_000);
});

describe('a wrapper that dies', () => {
  it('a dead parent (npx, npm run, a supervisor that signals only its child) stops the suite as SIGTERM would', async () => {
    const artifacts = path.join(project.root, 'out-wrapper');
    // `sh` stands for npx: killed, it does not pass the signal on, and harness is re-parented.
    const wrapper = execa('sh', ['-c', `"${process.execPath}" "${path.join(PACKAGE_ROOT, 'bin/harness.js')}" run --suite long --artifacts "${artifacts}" > "${path.join(project.root, 'wrapper.log')}" 2>&1; true`], { cwd: project.root, reject: false, env: { NO_COLOR: '1' } });
    const entry = await liveEntry(artifacts);
    const escapee = Number(readFileSync(path.join(project.root, 'escapee.pid'), 'utf8'));
    const harnessPid = childrenOf(wrapper.pid!)[0]!;
    expect(harnessPid).toBeGreaterThan(0);
    process.kill(wrapper.pid!, 'SIGKILL');
    await wrapper;
    // The harness notices, stops the run the normal way (recorded as interrupted) and exits.
    expect(await waitGone(harnessPid, 60_000)).toBe(true);
    await expectRunGone(entry, escapee, 2000);
    const [r] = results(artifacts);
    expect(r!.status).toBe('interrupted');
    expect(readFileSync(path.join(project.root, 'wrapper.log'), 'utf8')).toMatch(/the process that started it \(pid \d+\) is gone: stopping the suite as on SIGTERM/);
  }, 120_000);
});

// The pids whose parent is `pid`.
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('ports', () => {
  it('fails a run whose declared port another process holds, naming its pid and command line', async () => {
    const holder = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    try {
      const artifacts = path.join(project.root, 'out-port');
      const res = await runCli(['run', '--suite', 'short', '--artifacts', artifacts], { cwd: project.root });
      expect(res.exitCode).toBe(1);
      const [r] = results(artifacts);
      expect(r!.status).toBe('failed');
      expect(r!.error!.message).toContain(`Port ${port} (ports.main) is already in use by pid ${process.pid} (`);
      expect(res.all).toContain(`is already in use by pid ${process.pid}`);
      // The run's own message, not a code frame of the harness.
      expect(res.all).not.toMatch(/run-session\.ts:\d+/);
    } finally {
      holder.close();
    }
  }, 120_000);
});
