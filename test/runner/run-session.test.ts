import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunFailedError } from '../../harness/runner/run-failure.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { firstRunSession } from '../helpers/first-run.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { freePort } from '../helpers/ports.ts';
import { isAlive } from '../helpers/pids.ts';

const programs = path.join(PACKAGE_ROOT, 'test/fixtures/programs');
let project: TempProject;
let port: number;

beforeEach(async () => {
  project = new TempProject();
  port = await freePort();
});
afterEach(() => project.dispose());

function session(serverExtra = '', clientExtra = '', readyTimeout = 5, entryExtra = '') {
  project.workload(
    'tiny',
    `server:
  name: tiny
  command: node ${programs}/tiny-server.mjs --port {{ports.main}} ${serverExtra}
  ports: { main: ${port} }
  env: { API_TOKEN: "tok-5ecret-123" }
  ready: { tcp: ${port}, timeout_s: ${readyTimeout} }
  stop: { grace_s: 2 }
clients:
  name: gen
  generator: node ${programs}/tiny-client.mjs --port {{ports.main}} ${clientExtra}
  timeout_s: 10
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`,
  );
  project.suite('s', `workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    overrides: { annotations: { case: e2e } }\n${entryExtra}`);
  return firstRunSession(project);
}

const readResult = (dir: string): RunResult => JSON.parse(readFileSync(path.join(dir, 'run_result.json'), 'utf8')) as RunResult;

describe('RunSession', () => {
  it('runs server and client and leaves a complete artifact folder', async () => {
    const s = session();
    const result = await s.execute();
    await s.dispose();
    expect(result.status).toBe('passed');
    const dir = s.artifactDir;
    expect(path.basename(dir)).toMatch(/^\d{8}-\d{6}-\d{3}_tiny_baseline_default_r0$/);
    for (const f of ['plan.json', 'run_result.json', 'tiny_server.log', 'gen_client.log', 'metrics/gen.json']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(existsSync(path.join(dir, 'truth'))).toBe(true);
    const written = readResult(dir);
    expect(written.key_metrics).toMatchObject({ completed: 5, errors: 0 });
    expect(written.annotations).toEqual({ case: 'e2e' });
    // The cpu stage accounted the server and the client, over the load phase (the tiny client says
    // nothing about its window); its figures are key metrics of the run.
    expect(written.cpu).toMatchObject({ method: 'proc-schedstat-poll', completed: 5, window: { source: 'load-phase' } });
    expect(written.cpu!.groups.map((g) => [g.role, g.name])).toEqual([['server', 'tiny'], ['client', 'gen']]);
    expect(written.key_metrics.server_cpu_us_per_req).toBe(written.cpu!.key_metrics.server_cpu_us_per_req);
    expect(written.key_metrics.client_cpu_pct).toBeGreaterThan(0);
    expect(written.rate_search).toBeNull();
    expect(written.commands.map((c) => [c.role, c.name, c.exit_code])).toEqual([
      ['server', 'tiny', 0],
      ['client', 'gen', 0],
    ]);
    // Every phase is stamped, in order; observer_ready stays null in baseline (no observer).
    const { observer_ready, ...phases } = written.phases;
    expect(observer_ready).toBeNull();
    const stamps = Object.values(phases);
    expect(stamps.every((v) => typeof v === 'string')).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    expect(written.assessment).toMatchObject({ problems: [], unchecked: [], baseline: null });
    expect(written.error).toBeNull();
    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.commands.servers[0].argv).toContain(String(port));
    expect(plan.provenance.node_version).toBe(process.version);
    expect(JSON.stringify(plan)).not.toContain('tok-5ecret-123'); // secrets never reach plan.json
    expect(plan.commands.servers[0].env.API_TOKEN).toBe('[redacted]');
    expect(readFileSync(path.join(dir, 'gen_client.log'), 'utf8')).toContain('5/5 echoed');
    // The process timeline: the server spawned and was ready before the client ran; both ended.
    const events = readFileSync(path.join(dir, 'events.log'), 'utf8').split('\n').map((l) => l.split(/\s+/).slice(1, 3).join(' '));
    expect(events.indexOf('spawn tiny')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('spawn tiny')).toBeLessThan(events.indexOf('ready tiny'));
    expect(events.indexOf('ready tiny')).toBeLessThan(events.indexOf('spawn gen'));
    expect(events).toEqual(expect.arrayContaining(['exit gen', 'exit tiny']));
  });

  it('stopped from outside mid-run (a test timeout), writes run_result.json only after every stage stopped, and dispose() waits for it', async () => {
    const s = session('--slow-stop-ms 800', '--count 2000 --interval-ms 5');
    const execution = s.execute().catch((e: unknown) => e);
    // Stop it once the client runs, as the fixture does when the test times out.
    const events = path.join(s.artifactDir, 'events.log');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(events) && /spawn\s+gen\b/.test(readFileSync(events, 'utf8')))) await new Promise((r) => setTimeout(r, 20));
    await s.dispose();
    // dispose() returned: the result is already on disk, and it says the run was interrupted.
    expect(existsSync(path.join(s.artifactDir, 'run_result.json'))).toBe(true);
    const written = readResult(s.artifactDir);
    expect(written.status).toBe('interrupted');
    // Written after the slow server's exit, not while it was still stopping.
    const exitLine = readFileSync(events, 'utf8').split('\n').find((l) => /^\S+ exit\s+tiny\b/.test(l));
    expect(exitLine).toBeDefined();
    const exitedAt = exitLine!.split(' ')[0]!;
    expect(written.phases.teardown_end! >= exitedAt).toBe(true);
    expect(written.finished_at >= exitedAt).toBe(true);
    expect(await execution).toBeInstanceOf(RunFailedError);
  });

  it('fails the run when the server crashes mid-run, keeping its log tail and the result', async () => {
    const s = session('--crash-after-ms 300', '--count 100 --interval-ms 20');
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toMatch(/Server tiny exited with code 1 while the clients were running/);
    expect(err.message).toContain('simulated crash (segfault in handler)');
    const written = readResult(s.artifactDir);
    expect(written.status).toBe('failed');
    expect(written.error!.message).toContain('simulated crash');
    // The crash is a process failure that keeps the server's log and its tail.
    expect(written.error).toMatchObject({ kind: 'process', reason: 'ServerExitedError: unexpected-exit', log: 'tiny_server.log', log_tail: expect.stringContaining('simulated crash (segfault in handler)') });
    expect(written.assessment).toBeNull(); // no numbers to judge
    // The client was still running when the server died: the harness stopped it.
    const client = written.commands.find((c) => c.name === 'gen')!;
    expect(client.pid).not.toBeNull();
    expect(client.stopped_by_harness).toBe(true);
    for (const c of written.commands) if (c.pid) expect(isAlive(c.pid)).toBe(false);
  });

  it('fails with the command and exit code when the client fails', async () => {
    const s = session('', '--fail');
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toMatch(/Command failed with exit code 3: gen: node .*tiny-client.mjs/);
    expect(err.message).toContain('refusing to start (--fail)');
    const written = readResult(s.artifactDir);
    expect(written.status).toBe('failed');
    expect(written.error).toMatchObject({ kind: 'process', reason: 'CommandError: exit', log: 'gen_client.log', log_tail: expect.stringContaining('refusing to start (--fail)') });
    expect(written.commands.find((c) => c.name === 'tiny')!.stopped_by_harness).toBe(true);
  });

  it('fails a run whose numbers are not a valid measurement (a lossy server), keeping its results', async () => {
    const s = session('--ignore-every 5', '--count 20 --interval-ms 5');
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toContain('Run is not a valid measurement');
    expect(err.message).toContain('errors and timeouts are 20 % of requests (4 of 20; allowed 1 %)');
    const written = readResult(s.artifactDir);
    expect(written.status).toBe('failed');
    expect(written.error).toMatchObject({ kind: 'invalid', reason: 'InvalidRunError', log: null, log_tail: null });
    expect(written.assessment!.problems).toContain('errors and timeouts are 20 % of requests (4 of 20; allowed 1 %)');
    expect(written.key_metrics).toMatchObject({ completed: 16, errors: 4 });
    expect(written.commands.every((c) => c.exit_code === 0)).toBe(true); // every process succeeded: only the numbers are wrong
  });

  it('accepts the same lossy run when the descriptor allows its error share and shortfall', async () => {
    const s = session('--ignore-every 5', '--count 20 --interval-ms 5', 5, '    validity: { max_error_ratio: 0.25, min_achieved_ratio: 0.75 }\n');
    expect((await s.execute()).status).toBe('passed');
    await s.dispose();
  });

  it('fails a run that misses a descriptor expectation, naming the metric, the bound and the value', async () => {
    const s = session('', '', 5, '    expect: { completed: { min: 5, max: 5 }, throughput_rps: { min: 1000000 }, p99_us: { max: 10000000 } }\n');
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toMatch(/expected throughput_rps ≥ 1000000, got [\d.]+/);
    expect(err.message).not.toContain('completed'); // the bounds that hold are not reported
    expect(err.message).not.toContain('p99_us');
    expect(readResult(s.artifactDir).error).toMatchObject({ kind: 'invalid' });
  });

  it('fails before starting anything when the server cannot become ready', async () => {
    const s = session('--port 1', '', 0.5); // the second --port wins: it listens elsewhere and never answers
    const err = (await s.execute().catch((e: unknown) => e)) as RunFailedError;
    await s.dispose();
    expect(err.message).toMatch(/not ready after 500 ms \(waiting for tcp 127.0.0.1:\d+\)|exited before it was ready/);
    const written = readResult(s.artifactDir);
    expect(written.commands.find((c) => c.name === 'gen')!.pid).toBeNull();
    expect(written.error).toMatchObject({ kind: expect.stringMatching(/^(process|timeout)$/), log: 'tiny_server.log' });
    expect(written.error!.log_tail).not.toBeNull();
  });
});
