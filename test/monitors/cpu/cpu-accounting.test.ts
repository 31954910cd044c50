import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, test } from 'vitest';
import { CpuAccounting, cpuKeyMetrics } from '../../../harness/monitors/cpu/cpu-accounting.ts';
import { CpuSectionSchema, type CpuGroup } from '../../../harness/results/cpu-section-schema.ts';

const BURNER = path.resolve('test/helpers/cpu-burner.mjs');
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(file: string, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (Date.now() > end) throw new Error(`timed out waiting for ${file}`);
    await sleep(10);
  }
  return readFileSync(file, 'utf8');
}

describe('CpuAccounting (real processes burning a known amount of CPU)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  // Start a burner as the tracked root (or under `sh`), tell it to burn, return accounted vs burned.
  async function measure(opts: { threads: number; after: 'stay' | 'exit'; underShell: boolean }): Promise<{ accountedNs: number; burnedNs: number; section: ReturnType<CpuAccounting['summarize']> }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cpu-acct-'));
    const report = path.join(dir, 'report.json');
    const argv = [process.execPath, BURNER, report, '200', String(opts.threads), opts.after];
    const child: ResultPromise = opts.underShell
      ? execa('sh', ['-c', `"$@"; sleep 30`, 'sh', ...argv], { detached: true, reject: false, stdio: 'ignore' })
      : execa(argv[0]!, argv.slice(1), { detached: true, reject: false, stdio: 'ignore' });
    cleanups.push(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    });
    const burnerPid = Number(await waitFor(`${report}.ready`));
    const acct = new CpuAccounting({ intervalMs: 10 });
    acct.track({ name: 'burner', role: 'server', pid: child.pid! });
    acct.start();
    await sleep(50);
    const start = now();
    process.kill(burnerPid, 'SIGUSR1');
    const burned = JSON.parse(await waitFor(report)) as { burned_ns: number };
    if (opts.after === 'exit') while (existsSync(`/proc/${burnerPid}/stat`) && !readFileSync(`/proc/${burnerPid}/stat`, 'utf8').includes(') Z')) await sleep(5);
    await sleep(60);
    const end = now();
    await sleep(30);
    acct.stop();
    const section = acct.summarize({ startMs: start, endMs: end, source: 'load-phase' }, 1000);
    if (process.env.CPU_ACCT_DEBUG) console.log(JSON.stringify({ burned, group: section.groups[0], polls: section.polls, gap: section.max_gap_ms }));
    return { accountedNs: section.groups[0]!.cpu_ns, burnedNs: burned.burned_ns, section };
  }

  test('a single-threaded process burning 200 ms is accounted within 5 %', async () => {
    const { accountedNs, burnedNs, section } = await measure({ threads: 1, after: 'stay', underShell: false });
    expect(burnedNs).toBeGreaterThanOrEqual(200e6);
    expect(Math.abs(accountedNs - burnedNs) / burnedNs).toBeLessThan(0.05);
    expect(section.key_metrics.server_cpu_us_per_req).toBeCloseTo(accountedNs / 1e3 / 1000, 3);
    // The host's cost: the only group is a server here.
    expect(section.key_metrics.host_cpu_us_per_req).toBe(section.key_metrics.server_cpu_us_per_req);
    expect(section.groups[0]!.voluntary_switches).not.toBeNull();
  });

  test('a child that burns 200 ms and exits inside the window is accounted within 5 %', async () => {
    const { accountedNs, burnedNs, section } = await measure({ threads: 1, after: 'exit', underShell: true });
    expect(section.groups[0]!.pids_seen).toBeGreaterThanOrEqual(2);
    expect(section.groups[0]!.tasks_exited).toBeGreaterThan(0);
    expect(Math.abs(accountedNs - burnedNs) / burnedNs).toBeLessThan(0.05);
  });

  test('a process burning 200 ms on each of two threads is accounted within 5 %', async () => {
    const { accountedNs, burnedNs } = await measure({ threads: 2, after: 'stay', underShell: false });
    expect(burnedNs).toBeGreaterThanOrEqual(400e6);
    expect(Math.abs(accountedNs - burnedNs) / burnedNs).toBeLessThan(0.05);
  });

  test('the section is typed: it validates, and a typo in it fails', async () => {
    const { section } = await measure({ threads: 1, after: 'stay', underShell: false });
    expect(CpuSectionSchema.safeParse(section).success).toBe(true);
    expect(CpuSectionSchema.safeParse({ ...section, polls_: 1 }).success).toBe(false);
    expect(CpuSectionSchema.safeParse({ ...section, groups: [{ ...section.groups[0], role: 'sever' }] }).success).toBe(false);
  });
});

describe('cpuKeyMetrics', () => {
  const group = (role: CpuGroup['role'], cpuMs: number): CpuGroup => ({ name: role, role, host: 'local', root_pid: 1, pids_seen: 1, tasks_seen: 1, tasks_exited: 0, cpu_ns: cpuMs * 1e6, cpu_pct: 0, exit_tail_ns: 0, reaped_correction_ns: 0, voluntary_switches: 0, involuntary_switches: 0 });

  test('host CPU per request is server + observer + monitors, never the clients or antagonists', () => {
    const km = cpuKeyMetrics([group('server', 100), group('observer', 20), group('monitor', 5), group('client', 300), group('antagonist', 900)], 1000, 1000);
    expect(km).toMatchObject({ server_cpu_us_per_req: 100, observer_cpu_us_per_req: 20, host_cpu_us_per_req: 125 });
    expect(cpuKeyMetrics([group('client', 300)], 1000, 1000).host_cpu_us_per_req).toBeUndefined();
  });
});
