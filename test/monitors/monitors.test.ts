import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostMonitor, MonitorError } from '../../harness/monitors/host-monitor.ts';
import { parseMpstatJson } from '../../harness/monitors/mpstat-parser.ts';
import { parsePidstat, parsePidstatSamples } from '../../harness/monitors/pidstat-parser.ts';
import type { ProcessPlan } from '../../harness/plan/run-types.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mon-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plan = (argv: string[], name = 'mpstat'): ProcessPlan => ({ role: 'monitor', name, argv, cwd: dir, env: { LC_ALL: 'C' }, logFile: `${name}.log`, ready: { kind: 'none' }, readyTimeoutMs: 1000, stopSignal: 'SIGINT', graceMs: 2000 });
const warnings: string[] = [];
const warn = (m: string): void => void warnings.push(m);

describe('HostMonitor', () => {
  it('records a warning, not a failure, when sysstat is missing', async () => {
    const m = new HostMonitor(plan(['mpstat-not-installed', '1']), false, dir, warn);
    await m.start([process.pid]);
    await m.stop();
    expect(m.record).toMatchObject({ status: 'missing', warning: expect.stringContaining('install sysstat') });
    expect(warnings.join('\n')).toContain('install sysstat');
  });

  it('fails when a required monitor is missing', async () => {
    const m = new HostMonitor(plan(['mpstat-not-installed', '1']), true, dir, warn);
    await expect(m.start([process.pid])).rejects.toThrow(MonitorError);
  });

  it('runs real mpstat and pidstat and summarises them', { timeout: 60_000 }, async () => {
    const mp = new HostMonitor(plan(['mpstat', '-o', 'JSON', '-P', 'ALL', '1']), true, dir, warn);
    const pid = new HostMonitor(plan(['pidstat', '-h', '-u', '-r', '-p', '{{server_pids}}', '1'], 'pidstat'), true, dir, warn);
    await mp.start([process.pid]);
    await pid.start([process.pid]);
    // Until each has written two intervals (a loaded machine runs them late; bounded at 30 s), not a fixed sleep.
    const intervals = (name: string, re: RegExp): number => {
      try {
        return (readFileSync(path.join(dir, `${name}.log`), 'utf8').match(re) ?? []).length;
      } catch {
        return 0;
      }
    };
    const end = Date.now() + 30_000;
    while (Date.now() < end && (intervals('mpstat', /"timestamp"/g) < 2 || intervals('pidstat', new RegExp(`\\s${process.pid}\\s`, 'g')) < 2)) await new Promise((r) => setTimeout(r, 100));
    await mp.stop();
    await pid.stop();
    const mpstat = mp.record;
    if (mpstat?.status !== 'ok' || pid.record?.status !== 'ok') throw new Error(`monitors did not record: ${JSON.stringify([mpstat, pid.record])}`);
    expect(mpstat.cpus!.map((c) => c.cpu)).toContain('all');
    expect(mpstat.cpus![0]!.samples).toBeGreaterThanOrEqual(2);
    expect(pid.record.processes![0]!.pid).toBe(process.pid);
    // Per-interval samples are kept, each placed in time within the monitoring window.
    const cpuSamples = (mpstat.samples ?? []).filter((x) => 'cpu' in x && x.cpu === 'all') as { t: string | null }[];
    expect(cpuSamples.length).toBe(mpstat.cpus!.find((c) => c.cpu === 'all')!.samples);
    const pidSamples = (pid.record.samples ?? []) as { t: string | null }[];
    expect(pidSamples.length).toBeGreaterThanOrEqual(2);
    for (const t of [...cpuSamples, ...pidSamples].map((x) => Date.parse(x.t ?? ''))) expect(Math.abs(t - Date.now())).toBeLessThan(10_000);
  });
});

describe('parsers', () => {
  it('averages mpstat samples per core', () => {
    const json = JSON.stringify({ sysstat: { hosts: [{ statistics: [{ 'cpu-load': [{ cpu: 'all', usr: 10, sys: 5, idle: 85 }] }, { 'cpu-load': [{ cpu: 'all', usr: 30, sys: 5, idle: 65 }] }] }] } });
    expect(parseMpstatJson(`Linux header\n${json}`).cpus[0]).toMatchObject({ cpu: 'all', samples: 2, usr: 20, sys: 5, idle: 75, busy: 25 });
  });

  it('keeps each mpstat interval with its time, rolling over midnight', () => {
    const json = JSON.stringify({ sysstat: { hosts: [{ date: '2026-11-28', statistics: [{ timestamp: '23:59:59', 'cpu-load': [{ cpu: 'all', usr: 10, sys: 5, idle: 85 }, { cpu: '0', usr: 1, sys: 1, idle: 98 }] }, { timestamp: '00:00:00', 'cpu-load': [{ cpu: 'all', usr: 30, sys: 5, idle: 65 }] }] }] } });
    const { samples } = parseMpstatJson(json);
    expect(samples.map((x) => [x.cpu, x.busy])).toEqual([['all', 15], ['0', 2], ['all', 35]]);
    expect(Date.parse(samples[2]!.t!) - Date.parse(samples[0]!.t!)).toBe(1000);
    expect(new Date(samples[2]!.t!).getDate()).toBe(29);
  });

  it('keeps each pidstat interval with its time', () => {
    const text = `Linux 6.1 (vm) \t2026-11-29 \t_x86_64_\t(2 CPU)\n\n# Time        UID       PID    %usr %system  %guest   %wait    %CPU   CPU  minflt/s  majflt/s     VSZ     RSS   %MEM  Command\n13:34:01        0      1080    10.00    2.00    0.00    0.00    12.00     1      0.00      0.00    5388    4216   0.02  node server.ts\n13:34:02        0      1080    20.00    4.00    0.00    0.00    24.00     1      0.00      0.00    5388    5000   0.02  node server.ts\n`;
    const samples = parsePidstatSamples(text);
    expect(samples.map((x) => [x.pid, x.cpu_pct, x.rss_kb])).toEqual([[1080, 12, 4216], [1080, 24, 5000]]);
    expect(Date.parse(samples[1]!.t!) - Date.parse(samples[0]!.t!)).toBe(1000);
    expect(samples[0]!.t).toBe(new Date(2026, 10, 29, 13, 34, 1).toISOString());
  });

  it('summarises pidstat rows per pid', () => {
    const text = `Linux 6.1 (vm)\n\n# Time        UID       PID    %usr %system  %guest   %wait    %CPU   CPU  minflt/s  majflt/s     VSZ     RSS   %MEM  Command\n13:34:01        0      1080    10.00    2.00    0.00    0.00    12.00     1      0.00      0.00    5388    4216   0.02  node server.ts\n13:34:02        0      1080    20.00    4.00    0.00    0.00    24.00     1      0.00      0.00    5388    5000   0.02  node server.ts\n`;
    expect(parsePidstat(text)).toEqual([{ pid: 1080, command: 'node server.ts', samples: 2, cpu_pct_mean: 18, cpu_pct_max: 24, usr_pct_mean: 15, system_pct_mean: 3, rss_kb_max: 5000 }]);
  });
});
