// A run that only a disturbance made invalid (here: a generator that reports it fell behind its
// schedule) is measured again through real RunSessions, each attempt in its own folder; anything
// else fails at once. The client is a real process whose first N invocations report `saturated`.
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { lastAttempts, readRunRecord } from '../../harness/results/artifact-store.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { RunAttempts } from '../../harness/runner/run-attempts.ts';
import { RunFailedError } from '../../harness/runner/run-failure.ts';
import { RunSession } from '../../harness/runner/run-session.ts';
import { testSession } from '../helpers/session.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject('run-attempts-');
});
afterEach(() => project.dispose());

// A load client whose first `disturbed` invocations report that it fell behind its schedule.
const CLIENT = `#!/bin/sh
# $1: metrics file, $2: invocation counter file, $3: how many invocations are disturbed
n=$(cat "$2" 2>/dev/null || echo 0)
echo $((n + 1)) > "$2"
sat=false
[ "$n" -lt "$3" ] && sat=true
printf '{"format_version":1,"load_model":"open","offered_rps":100,"achieved_rps":100,"completed":200,"errors":0,"timeouts":0,"latency_us":{"p50":100,"p99":200},"saturated":%s}\\n' "$sat" > "$1"
`;

// One run (kv-like: a server and that client) with `entry` (YAML, indented 4) on the suite entry.
function attemptsFor(disturbed: number, entry = ''): { attempts: RunAttempts; timeoutMs: number; retries: number } {
  const client = project.write('client.sh', CLIENT);
  chmodSync(client, 0o755);
  project.workload(
    'w',
    `name: w\nserver:\n  name: srv\n  command: sleep 30\nclients:\n  name: gen\n  command: ${client} {{metrics_file}} ${path.join(project.root, 'count')} ${disturbed}\n  metrics_flag: null\n` +
      `instrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.suite('s', `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n${entry}`);
  const plan = planSuite('s', { rootDir: project.root });
  const run = plan.runs[0]!;
  const session = testSession(project.root);
  const attempts = new RunAttempts((attempt) => new RunSession(run, { session, descriptor: plan.suite.displayFile, attempt }));
  return { attempts, timeoutMs: run.timeoutMs, retries: run.validity.disturbed_retries };
}

async function measure(a: ReturnType<typeof attemptsFor>, timeoutMs = a.timeoutMs): Promise<{ result?: RunResult; error?: RunFailedError; dirs: string[] }> {
  try {
    const result = await a.attempts.measure({ retries: a.retries, timeoutMs });
    return { result, dirs: artifactDirs() };
  } catch (err) {
    if (!(err instanceof RunFailedError)) throw err;
    return { error: err, dirs: artifactDirs() };
  } finally {
    await a.attempts.dispose();
  }
}

const artifactDirs = (): string[] => readdirSync(path.join(project.root, 'experiments/artifacts')).filter((d) => !d.startsWith('.')).sort().map((d) => path.join(project.root, 'experiments/artifacts', d));
const resultOf = (dir: string): RunResult => JSON.parse(readFileSync(path.join(dir, 'run_result.json'), 'utf8')) as RunResult;

describe('a run that only a disturbance made invalid is measured again', () => {
  it('by default once: the first attempt is kept as invalid (disturbed), the second is the result and names it', async () => {
    const out = await measure(attemptsFor(1));
    expect(out.error?.message).toBeUndefined();
    expect(out.dirs).toHaveLength(2);
    const [first, second] = out.dirs.map(resultOf);
    expect(first).toMatchObject({ status: 'failed', run: { attempt: 1 }, error: { kind: 'invalid', reason: 'InvalidRunError: disturbed' }, assessment: { disturbed: true } });
    expect(first!.error!.message).toMatch(/generator could not keep up with its schedule \(saturated\)/);
    expect(second).toMatchObject({ status: 'passed', run: { attempt: 2, id: first!.run.id, suite_execution_id: first!.run.suite_execution_id } });
    expect(second!.warnings.join('\n')).toContain(`measured again (attempt 2 of at most 2): a disturbance made the attempt before invalid; attempt 1 (${path.basename(out.dirs[0]!)}): Run is not a valid measurement: the load generator could not keep up`);
    expect(out.result?.artifact_dir).toBe(out.dirs[1]);
    // Readers of the artifacts (summary, merge, compare, notebook) count the run by its last attempt.
    expect(lastAttempts(out.dirs.map(readRunRecord)).map((r) => r.dir)).toEqual([out.dirs[1]]);
  });

  it('a run disturbed every time fails after 1 + disturbed_retries attempts with the last one', async () => {
    const out = await measure(attemptsFor(5, '    validity: { disturbed_retries: 2 }\n'));
    expect(out.dirs).toHaveLength(3);
    expect(out.dirs.map(resultOf).map((r) => `${r.run.attempt}:${r.status}`)).toEqual(['1:failed', '2:failed', '3:failed']);
    expect(out.error?.artifactDir).toBe(out.dirs[2]);
    expect(out.error?.disturbed).toBe(true);
    expect(resultOf(out.dirs[2]!).warnings.join('\n')).toMatch(/attempt 3 of at most 3\): .*attempt 1 \(.*\): .*; attempt 2 \(/);
  });

  it('disturbed_retries: 0 never measures again', async () => {
    const out = await measure(attemptsFor(1, '    validity: { disturbed_retries: 0 }\n'));
    expect(out.dirs).toHaveLength(1);
    expect(out.error?.message).toMatch(/saturated/);
  });

  it('an unmet expectation beside the disturbance is the result at once: measuring again would hide it', async () => {
    const out = await measure(attemptsFor(1, '    expect: { throughput_rps: { min: 1000000 } }\n'));
    expect(out.dirs).toHaveLength(1);
    expect(resultOf(out.dirs[0]!).assessment).toMatchObject({ disturbed: false });
    expect(out.error?.disturbed).toBe(false);
    expect(out.error?.message).toMatch(/saturated.*; expected throughput_rps ≥ 1000000, got 100/);
  });

  it('no new attempt when the test’s timeout could not hold it: the failure says why and what to raise', async () => {
    const out = await measure(attemptsFor(1), 1);
    expect(out.dirs).toHaveLength(1);
    expect(out.error?.message).toMatch(/\(not measured again: attempt 1 took \d+ s and the test's timeout leaves 0 s; raise the workload's timeout_s\)/);
  });
});
