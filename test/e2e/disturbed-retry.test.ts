// `harness run` measures a disturbed run again (validity.disturbed_retries): the test passes with the
// second attempt, JUnit and the summary count the run once (by its last attempt), both folders stay.
// The client is a real process whose first invocation reports that it fell behind its schedule.
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeAll(() => {
  project = new TempProject('disturbed-retry-');
  const client = project.write(
    'client.sh',
    `#!/bin/sh
n=$(cat "$2" 2>/dev/null || echo 0)
echo $((n + 1)) > "$2"
sat=false
[ "$n" -lt 1 ] && sat=true
printf '{"format_version":1,"load_model":"open","offered_rps":100,"achieved_rps":100,"completed":200,"errors":0,"timeouts":0,"latency_us":{"p50":100,"p99":200},"saturated":%s}\\n' "$sat" > "$1"
`,
  );
  chmodSync(client, 0o755);
  project.workload(
    'w',
    `server:\n  name: srv\n  command: sleep 30\nclients:\n  name: gen\n  command: ${client} {{metrics_file}} ${path.join(project.root, 'count')}\n  metrics_flag: null\n` +
      `instrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.suite('retry', `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n`);
});
afterAll(() => project.dispose());

it('harness run: a run whose first attempt was disturbed passes with its second; reports count it once and say so', async () => {
  const out = path.join(project.root, 'out');
  const summaryPath = path.join(project.root, 'summary.json');
  const res = await runCli(['run', '--suite', 'retry', '--artifacts', out, '--summary', summaryPath], { cwd: project.root });
  expect(res.exitCode, res.all).toBe(0);
  expect(res.all).toMatch(/\[harness\] 1\/1 ok {3}w\/baseline\/default\/0 \(\d+s, attempt 2: measured again after a disturbance\)/);
  const dirs = readdirSync(out).sort();
  expect(dirs).toHaveLength(2);
  const results = dirs.map((d) => JSON.parse(readFileSync(path.join(out, d, 'run_result.json'), 'utf8')) as { status: string; run: { attempt: number } });
  expect(results.map((r) => `${r.run.attempt}:${r.status}`)).toEqual(['1:failed', '2:passed']);
  const junit = readFileSync(path.join(project.root, 'reports/junit.xml'), 'utf8');
  expect(junit).toMatch(/<testsuites name="retry" tests="1" failures="0"/);
  // The test's artifact folder is the last attempt's.
  expect(junit).toContain(dirs[1]);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { runs: Record<string, number>; warnings: string[] };
  expect(summary.runs).toMatchObject({ total: 1, passed: 1, failed: 0, remeasured: 1 });
  expect(summary.warnings.join('\n')).toContain('1 run(s) measured again after a disturbance made an attempt invalid');
  // merge and compare read the folders: the run counts once, by its last attempt.
  const merged = await runCli(['merge', out, '--reports', path.join(project.root, 'merged')], { cwd: project.root });
  expect(merged.exitCode, merged.all).toBe(0);
  expect(merged.stdout).toContain('merged 1 runs of retry (1 passed, 0 failed)');
}, 180_000);
