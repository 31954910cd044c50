// The brief's execute command, with every flag: `harness run --suite S --perf-freq 2000 --agent-bin …
// --agent-config … --metrics-port N --summary <artifacts root>/latest_summary.json`, on a small suite
// of the same shape as the catalog's overhead suite (baseline, perf, microsentinel; the reference
// observer stands in for the agent binary). Then the same flags sharded and merged, and --resume.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { runCli } from '../helpers/cli.ts';

const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
const agentBin = path.join(PACKAGE_ROOT, 'experiments/agents/reference-observer.sh');
const agentConfig = path.join(PACKAGE_ROOT, 'experiments/agents/reference-observer.toml');
let project: TempProject;
let flags: string[];
let metricsPort: number;

beforeAll(async () => {
  project = new TempProject('seed-command-');
  const port = await freePort();
  metricsPort = await freePort();
  project.workload(
    'tiny',
    `server:
  name: tiny
  command: node ${programs}/tiny-server.mjs --port {{ports.main}}
  ports: { main: ${port} }
  ready: { tcp: ${port} }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} --count 20 --interval-ms 20
  timeout_s: 20
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`,
  );
  // The descriptor's own values, which the flags must replace.
  project.suite(
    'overhead',
    `overrides:
  instrumentation: { perf_mode: record, perf_freq: 999, pmu_events: cpu-clock, agent_bin: /nonexistent/agent, agent_config: /nonexistent/agent.toml, metrics_port: 1 }
workloads:
  - name: tiny
    config: experiments/configs/workloads/tiny.yaml
    modes: [baseline, perf, microsentinel]
    repetitions: 2
    validity: { require_throughput: false }
    overrides:
      # The observer samples the run's server only (as in the catalog), not every process on the machine.
      instrumentation: { agent_settings: { target.pids: "{{server_pids}}" } }
`,
  );
  flags = ['--perf-freq', '2000', '--agent-bin', agentBin, '--agent-config', agentConfig, '--metrics-port', String(metricsPort)];
});
afterAll(() => project.dispose());

const readJson = (file: string): Record<string, any> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runDirs = (root: string): string[] => readdirSync(root).filter((d) => existsSync(path.join(root, d, 'run_result.json'))).sort();

describe('the brief command with all its flags', () => {
  it('runs every run with the flags, writes the summary into the artifacts root it creates', async () => {
    const artifacts = path.join(project.root, 'experiments/artifacts');
    expect(existsSync(artifacts)).toBe(false); // a fresh clone has no artifacts root yet
    const res = await runCli(['run', '--suite', 'overhead', ...flags, '--summary', 'experiments/artifacts/latest_summary.json'], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.all).not.toMatch(/stale/i);
    expect(res.all).toMatch(/6 passed/);
    const summary = readJson(path.join(artifacts, 'latest_summary.json'));
    expect(summary.runs).toMatchObject({ total: 6, passed: 6 });
    const dirs = runDirs(artifacts);
    expect(dirs).toHaveLength(6);
    for (const d of dirs) {
      const plan = readJson(path.join(artifacts, d, 'plan.json'));
      expect(plan.command_line).toEqual({ instrumentation: { perf_freq: 2000, agent_bin: agentBin, agent_config: agentConfig, metrics_port: metricsPort } });
      expect(plan.run.id).not.toBe(plan.run.base_id); // flags are part of a run's identity
      const observer = plan.commands.observer?.argv as string[] | undefined;
      if (plan.run.mode === 'perf') expect(observer?.slice(0, 4)).toEqual(['perf', 'record', '-F', '2000']);
      if (plan.run.mode === 'microsentinel') {
        expect(observer?.[0]).toBe(agentBin);
        expect(observer).toContain(`--metrics-port=${metricsPort}`);
        expect(readFileSync(path.join(artifacts, d, 'instrumentation_microsentinel.log'), 'utf8')).not.toMatch(/unknown flag/);
      }
    }
  });

  it('with --resume and the same flags skips every passed run; with another --perf-freq, says why it reruns them', async () => {
    const same = await runCli(['run', '--suite', 'overhead', ...flags, '--resume', '--dry-run'], { cwd: project.root });
    expect(same.exitCode, same.all).toBe(0);
    expect(same.stderr).toContain('resume: 6 already passed (skipped), 0 changed');
    const other = await runCli(['run', '--suite', 'overhead', ...flags.map((f) => (f === '2000' ? '999' : f)), '--resume', '--dry-run'], { cwd: project.root });
    expect(other.stderr).toContain('resume: 0 already passed (skipped), 6 changed');
    expect(other.stderr).toMatch(/changed tiny\/perf\/default\/0: changed: .*instrumentation\.perf_freq/);
  });

  it('sharded with the same flags, then merged, runs every run once', async () => {
    for (const shard of ['1/2', '2/2']) {
      const out = path.join(project.root, `shard${shard[0]}`);
      const res = await runCli(['run', '--suite', 'overhead', ...flags, '--shard', shard, '--artifacts', out], { cwd: project.root, env: { HARNESS_REPORTS_DIR: path.join(project.root, `reports${shard[0]}`) } });
      expect(res.exitCode, res.all).toBe(0);
    }
    const names = [...runDirs(path.join(project.root, 'shard1')), ...runDirs(path.join(project.root, 'shard2'))];
    expect(names).toHaveLength(6);
    const merged = await runCli(['merge', path.join(project.root, 'shard1'), path.join(project.root, 'shard2'), '--reports', path.join(project.root, 'merged')], { cwd: project.root });
    expect(merged.exitCode, merged.all).toBe(0);
    expect(merged.stdout).toContain('merged 6 runs of overhead (6 passed, 0 failed)');
  });
});
