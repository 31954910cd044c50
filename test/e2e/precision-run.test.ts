// `harness run` with precision targets: the generated files plan max_repetitions blocks, the runner
// measures until the stop rule is satisfied and skips the blocks it no longer needs, with the reason,
// in JUnit, the progress lines and summary.json (docs/precision.md). The client is a real process
// reporting a p50 that varies by ±1 % from run to run.
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeAll(() => {
  project = new TempProject('precision-run-');
  const client = project.write(
    'client.sh',
    `#!/bin/sh
n=$(cat "$2" 2>/dev/null || echo 0)
echo $((n + 1)) > "$2"
printf '{"format_version":1,"load_model":"open","offered_rps":100,"achieved_rps":100,"completed":200,"errors":0,"timeouts":0,"latency_us":{"p50":%s,"p99":200}}\\n' $((100 + n % 3)) > "$1"
`,
  );
  chmodSync(client, 0o755);
  project.workload(
    'w',
    `server:\n  name: srv\n  command: sleep 30\nclients:\n  name: gen\n  command: ${client} {{metrics_file}} ${path.join(project.root, 'count')}\n  metrics_flag: null\n` +
      `instrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.suite(
    'precise',
    `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n    precision:\n      confidence: 0.8\n      min_repetitions: 2\n      max_repetitions: 8\n      targets:\n        - { metric: p50_us, of: value, half_width: 5 }\n`,
  );
});
afterAll(() => project.dispose());

it('harness run: measures blocks until the p50 target is met, skips the rest with the stop reason, and reports the achieved width', async () => {
  const out = path.join(project.root, 'out');
  const summaryPath = path.join(project.root, 'summary.json');
  const res = await runCli(['run', '--suite', 'precise', '--artifacts', out, '--summary', summaryPath], { cwd: project.root });
  expect(res.exitCode, res.all).toBe(0);
  // Eight generated files (one per planned block); five blocks measured, three not needed.
  expect(readdirSync(path.join(project.root, 'suites/precise')).filter((f) => f.endsWith('.test.ts'))).toHaveLength(8);
  expect(readdirSync(out)).toHaveLength(5);
  const reason = 'precision: target-met after 5 blocks (every target met or decided after 5 blocks); block 5 is not needed';
  expect(res.all).toContain(`[harness] skip w/baseline/default/5: ${reason}, nor any later block of w/default`);
  const junit = readFileSync(path.join(project.root, 'reports/junit.xml'), 'utf8');
  expect(junit).toMatch(/<testsuites name="precise" tests="8" failures="0" errors="0" skipped="3"/);
  expect(junit).toContain(`value="${reason}"`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { runs: Record<string, number>; precision: Record<string, unknown>[]; warnings: string[] };
  expect(summary.runs).toMatchObject({ total: 5, passed: 5, failed: 0, not_needed: 3 });
  expect(summary.precision).toHaveLength(1);
  expect(summary.precision[0]).toMatchObject({ workload: 'w', mode: 'baseline', metric: 'p50_us', of: 'value', target: 5, blocks: 5, status: 'met', stop_reason: 'target-met', confidence: 0.8 });
  expect(summary.precision[0]!.achieved_half_width as number).toBeLessThanOrEqual(5);
  expect(summary.warnings.join('\n')).not.toContain('precision:');
  // The HTML report shows it, with the stop reason.
  const html = readFileSync(path.join(project.root, 'reports/index.html'), 'utf8');
  expect(html).toContain('<h3>Precision</h3>');
  expect(html).toMatch(/<td>target-met<\/td>/);
}, 240_000);
