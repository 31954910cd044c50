import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { RunSession } from '../../harness/runner/run-session.ts';
import { RunFailedError } from '../../harness/runner/run-failure.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { firstRunSession } from '../helpers/first-run.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { waitGone } from '../helpers/pids.ts';
import { testSession } from '../helpers/session.ts';

// Real perf, real sysstat, and the reference observer (the test double for the MicroSentinel agent).
const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
let project: TempProject;
let port: number;
let metricsPort: number;

beforeEach(async () => {
  project = new TempProject();
  port = await freePort();
  metricsPort = await freePort();
  project.copyFromProject('experiments/agents/reference-observer.toml');
});
afterEach(() => project.dispose());

function session(mode: string, instrumentation: string, opts: { server?: string; clients?: string; params?: string } = {}) {
  project.workload(
    'tiny',
    `server:
  name: tiny
  command: node ${programs}/tiny-server.mjs --port {{ports.main}} ${opts.server ?? ''}
  ports: { main: ${port} }
  ready: { tcp: ${port} }
  stop: { grace_s: 2 }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} ${opts.clients ?? '--count 40 --interval-ms 25'}
  timeout_s: 20
`,
  );
  project.suite(
    's',
    `workloads:
  - name: tiny
    config: experiments/configs/workloads/tiny.yaml
    modes: [${mode}]
${opts.params ?? ''}    overrides:
      instrumentation:
${instrumentation.replace(/^/gm, '        ')}
`,
  );
  return firstRunSession(project);
}

const result = (s: RunSession): RunResult => JSON.parse(readFileSync(path.join(s.artifactDir, 'run_result.json'), 'utf8')) as RunResult;

async function expectNoProcessLeft(s: RunSession): Promise<void> {
  for (const c of result(s).commands) if (c.pid) expect(await waitGone(c.pid), `${c.name} (${c.pid}) still running`).toBe(true);
}

describe('perf mode', () => {
  it('perf stat records software events, and a hardware event as this host\'s perf reports it (counted, or <not supported>)', async () => {
    const s = session('perf', 'perf_mode: stat\npmu_events: "cpu-clock,task-clock,cycles"');
    await s.execute();
    await s.dispose();
    const r = result(s);
    const values = (r.instrumentation.perf_stat as { values: { event: string; value: number | null; supported: boolean }[] }).values;
    expect(values.find((v) => v.event === 'task-clock')).toMatchObject({ supported: true });
    expect(values.find((v) => v.event === 'task-clock')!.value).toBeGreaterThan(0);
    // Which variant runs depends on the host (a VM without counters, the bare-metal testbed with them): ask perf
    // itself, then check the harness recorded that variant, and say which one ran.
    const hostHasCycles = !(await execa('perf', ['stat', '-x', ',', '-e', 'cycles', 'true'], { reject: false, all: true })).all.includes('<not supported>');
    console.log(`perf stat variant: cycles ${hostHasCycles ? 'counted' : '<not supported>'} on this host`);
    const cycles = values.find((v) => v.event === 'cycles');
    if (hostHasCycles) {
      expect(cycles).toMatchObject({ supported: true });
      expect(cycles!.value).toBeGreaterThan(0);
      expect(r.warnings.some((w) => w.includes('cycles is <not supported>'))).toBe(false);
    } else {
      expect(cycles).toMatchObject({ supported: false, value: null });
      expect(r.warnings.some((w) => w.includes('cycles is <not supported>'))).toBe(true);
    }
    expect(existsSync(path.join(s.artifactDir, 'perf_stat.csv'))).toBe(true);
    expect(existsSync(path.join(s.artifactDir, 'instrumentation_perf.log'))).toBe(true);
    expect(r.phases.observer_ready! <= r.phases.load_start!).toBe(true);
    // Host monitors ran beside it.
    expect(r.monitors.mpstat).toMatchObject({ status: 'ok' });
    expect((r.monitors.pidstat as { processes: { pid: number }[] }).processes.map((p) => p.pid)).toContain(r.commands.find((c) => c.name === 'tiny')!.pid);
  });

  it('perf record writes perf.data at the configured frequency', async () => {
    const s = session('perf', 'perf_freq: 499\npmu_events: cpu-clock');
    await s.execute();
    await s.dispose();
    const rec = result(s).instrumentation.perf_record as { file: string; bytes: number; frequency_hz: number };
    expect(rec).toMatchObject({ file: 'perf.data', frequency_hz: 499 });
    expect(rec.bytes).toBeGreaterThan(0);
    expect(result(s).commands.find((c) => c.role === 'observer')!.command.slice(0, 4)).toEqual(['perf', 'record', '-F', '499']);
  });

  it('says how to install perf when it is missing', async () => {
    const s = session('perf', 'perf_bin: perf-not-installed-here');
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err.message).toContain('perf not found: `perf-not-installed-here` is not on PATH. Install it (Debian: apt-get install linux-perf)');
    await expectNoProcessLeft(s);
  });
});

describe('teardown', () => {
  it('leaves no perf, mpstat or pidstat process behind when the client times out', async () => {
    const s = session('perf', 'perf_mode: stat\npmu_events: task-clock', { clients: '--count 1000 --interval-ms 20' });
    project.write('experiments/configs/workloads/tiny.yaml', readFileSync(path.join(project.root, 'experiments/configs/workloads/tiny.yaml'), 'utf8'));
    const run = planSuite('s', { rootDir: project.root }).runs[0]!;
    const timed = new RunSession({ ...run, resolved: { ...run.resolved, clients: run.resolved.clients.map((c) => ({ ...c, timeout_s: 1 })) } }, { session: testSession(project.root), descriptor: 'x' });
    const err = (await timed.execute().catch((e: unknown) => e)) as RunFailedError;
    await timed.dispose();
    await s.dispose();
    expect(err.message).toMatch(/Command timed out after 1000 ms: gen/);
    expect(result(timed).error!.kind).toBe('timeout');
    const roles = result(timed).commands.filter((c) => c.pid).map((c) => c.role);
    expect(roles).toEqual(expect.arrayContaining(['server', 'client', 'observer', 'monitor']));
    await expectNoProcessLeft(timed);
  });

  it('stops everything when disposed mid-run (a Vitest timeout or Ctrl-C)', async () => {
    const s = session('perf', 'perf_mode: stat\npmu_events: task-clock', { clients: '--count 1000 --interval-ms 20' });
    const running = s.execute().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 1500));
    await s.dispose();
    await running;
    await expectNoProcessLeft(s);
    expect(result(s)).toMatchObject({ status: 'interrupted', error: { kind: 'interrupted', reason: 'RunInterruptedError' } });
  });
});

describe('microsentinel mode (reference observer)', () => {
  const agent = (bin = 'experiments/agents/reference-observer.sh') => `agent_bin: ${path.join(PACKAGE_ROOT, bin)}
agent_config: experiments/agents/reference-observer.toml
metrics_port: METRICS
agent_params: { rate_scan.samples_per_core: sampling.samples_per_core }
agent_settings: { target.pids: "{{server_pids}}" }`;

  it('renders the per-run agent config, waits for its metrics port and keeps a parsed snapshot', async () => {
    const s = session('microsentinel', agent().replace('METRICS', String(metricsPort)), { params: '    parameters:\n      rate_scan: { samples_per_core: [250] }\n' });
    await s.execute();
    await s.dispose();
    const r = result(s);
    const toml = readFileSync(path.join(s.artifactDir, 'agent_config.toml'), 'utf8');
    expect(toml).toMatch(/samples_per_core = 250/);
    const serverPid = r.commands.find((c) => c.name === 'tiny')!.pid;
    expect(toml).toContain(`pids = "${serverPid}"`);
    const observer = r.commands.find((c) => c.role === 'observer')!;
    expect(observer.command.slice(1)).toEqual([`--config=${path.join(s.artifactDir, 'agent_config.toml')}`, `--metrics-port=${metricsPort}`]);
    const prom = r.instrumentation.prometheus as { families: { name: string; samples: { value: number | null }[] }[] };
    expect(prom.families.find((f) => f.name === 'microsentinel_samples_total')!.samples[0]!.value).toBeGreaterThan(0);
    expect(prom.families.find((f) => f.name === 'microsentinel_sampling_rate_hz')!.samples[0]!.value).toBe(500);
    expect(existsSync(path.join(s.artifactDir, 'prometheus_snapshot.txt'))).toBe(true);
    expect(readFileSync(path.join(s.artifactDir, 'plan.json'), 'utf8')).toContain('"sampling.samples_per_core": 250');
  });

  it('fails the run with the observer’s own line when it dies at start', async () => {
    const s = session('microsentinel', agent('test/fixtures/programs/old-agent.sh').replace('METRICS', String(metricsPort)), { params: '    parameters:\n      rate_scan: { samples_per_core: [100] }\n' });
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toContain('unknown flag: --token-rate');
    expect(err.message).toMatch(/Observer microsentinel-agent \(microsentinel\) failed at start/);
    expect(readFileSync(path.join(s.artifactDir, 'instrumentation_microsentinel.log'), 'utf8')).toContain('unknown flag: --token-rate');
    await expectNoProcessLeft(s);
  });

  it('leaves no agent, perf or monitor behind when the server crashes mid-run', async () => {
    const s = session('microsentinel', agent().replace('METRICS', String(metricsPort)), { server: '--crash-after-ms 700', clients: '--count 200 --interval-ms 20', params: '    parameters:\n      rate_scan: { samples_per_core: [100] }\n' });
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err.message).toContain('Server tiny exited with code 1');
    const roles = result(s).commands.filter((c) => c.pid).map((c) => c.role);
    expect(roles).toEqual(expect.arrayContaining(['server', 'client', 'observer', 'monitor']));
    await expectNoProcessLeft(s);
  });
});
