// A stock server and a stock load tool, configured by YAML only, through RunSession: redis-server
// under redis-benchmark with its result adapter. Also what happens when the output cannot be read,
// when a metrics file has a misspelled key, and when a client can never report metrics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { RunFailedError } from '../../harness/runner/run-failure.ts';
import { executeFirstRun } from '../helpers/first-run.ts';
import { freePort } from '../helpers/ports.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
});
afterEach(() => project.dispose());

// redis-server on a free port with `client` (YAML, indented 2) as its client; `validity` for the suite entry.
async function redisWorkload(client: string, validity = '{ reject_saturated: false }'): Promise<void> {
  const port = await freePort();
  project.workload(
    'r',
    `name: r\nserver:\n  name: redis\n  command: redis-server --bind 127.0.0.1 --port ${port} --save '' --appendonly no --dir {{paths.artifact_dir}}\n  ready: { log: "Ready to accept connections", timeout_s: 15 }\n` +
      `settings: { port: ${port} }\nclients:\n${client}`,
  );
  project.suite('s', `workloads:\n  - name: r\n    config: experiments/configs/workloads/r.yaml\n    modes: [baseline]\n    validity: ${validity}\n    overrides:\n      instrumentation: { monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } } }\n`);
}

// The run's result whether it passed or failed.
async function runIt(): Promise<{ result: RunResult; error?: RunFailedError }> {
  try {
    const { result } = await executeFirstRun(project);
    return { result };
  } catch (err) {
    if (!(err instanceof RunFailedError)) throw err;
    return { result: JSON.parse(readFileSync(path.join(err.artifactDir, 'run_result.json'), 'utf8')) as RunResult, error: err };
  }
}

const BENCH = 'redis-benchmark -h 127.0.0.1 -p {{settings.port}} -n 3000 -c 4 -t get';

describe('result adapters in a run', () => {
  it('redis-benchmark --csv with `results: {adapter: redis-benchmark}`: throughput, latency, CPU per request, marked closed loop', async () => {
    await redisWorkload(`  name: bench\n  command: ${BENCH} --csv\n  results: { adapter: redis-benchmark }\n`);
    const { result, error } = await runIt();
    expect(result.status, error?.message).toBe('passed');
    const csv = readFileSync(path.join(result.artifact_dir, 'bench_client.log'), 'utf8').split('\n').find((l) => l.startsWith('"GET"'))!.split(',').map((c) => c.replace(/"/g, ''));
    expect(result.key_metrics).toMatchObject({ throughput_rps: Number(csv[1]), p50_us: Number(csv[4]) * 1000, completed: 3000, closed_loop: 1 });
    expect(result.key_metrics.server_cpu_us_per_req).toBeGreaterThan(0);
    expect(result.warnings.join('\n')).toMatch(/redis-benchmark: closed loop .* coordinated omission .* achieved, not offered/);
    expect(result.warnings.join('\n')).not.toMatch(/absent metrics/);
    expect(result.commands.find((c) => c.role === 'client')?.command).not.toContain('--metrics-file');
  });

  it('fails the run when the tool’s output is not what its adapter reads: file, line, what it expected', async () => {
    await redisWorkload(`  name: bench\n  command: ${BENCH} -q\n  results: { adapter: redis-benchmark }\n`);
    const { result, error } = await runIt();
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'invalid', reason: 'AdapterParseError' });
    expect(error!.message).toMatch(/bench_client\.log:\d+: expected redis-benchmark's CSV header .*\(run it with --csv\)/);
  });

  it('fails the run on a metrics file with a misspelled key, naming the file and the key', async () => {
    await redisWorkload(`  name: gen\n  command: [node, -e, "require('fs').writeFileSync(process.argv[1], JSON.stringify({achieved_rps: 5, latency: {p99: 3}}))", "{{metrics_file}}"]\n`);
    const { result, error } = await runIt();
    expect(result.error).toMatchObject({ kind: 'invalid', reason: 'MetricsFormatError' });
    expect(error!.message).toMatch(/metrics\/gen\.json is not generator-metrics JSON .*latency: unknown key `latency` \(did you mean `latency_us`\?\)/);
  });

  it('the silent pass of a client that reports nothing: plan warns; the run fails, or passes with require_throughput: false and says which metrics are absent', async () => {
    await redisWorkload(`  name: bench\n  command: ${BENCH} --csv\n  metrics_flag: null\n`);
    expect(planSuite('s', { rootDir: project.root }).warnings.join('\n')).toMatch(/client bench can never report load metrics: it has no result adapter[\s\S]*results: \{ adapter: <tool> \}/);
    const strict = await runIt();
    expect(strict.result.error?.kind).toBe('invalid');
    expect(strict.error!.message).toMatch(/no throughput: .*generator-metrics JSON .*results: \{ adapter: … \}/);

    await redisWorkload(`  name: bench\n  command: ${BENCH} --csv\n  metrics_flag: null\n`, '{ require_throughput: false }');
    const lenient = await runIt();
    expect(lenient.result.status).toBe('passed');
    expect(lenient.result.warnings).toContainEqual(expect.stringMatching(/^absent metrics: throughput_rps, p50_us, p99_us .*require_throughput is false/));
    expect(lenient.result.key_metrics.server_cpu_pct).toBeGreaterThan(0);
  });
});
