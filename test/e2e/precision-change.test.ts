// `harness run` with a change target on a mutations axis (docs/precision.md, "Comparing a change"):
// each repetition block runs the unpatched base and every patch side by side; the runner measures
// until each patch's change against the base is decided against the margin — "regressed" for a patch
// that makes the p50 50 % worse, "no change within ±5 %" for a patch that only edits a comment — and
// skips the blocks it no longer needs. The client is a real process in each tree's checkout: it
// reports a p50 of (its tree's base value) + 0..2 µs, varying from run to run.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
const git = async (...args: string[]): Promise<string> => String((await execa('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: project.root })).stdout);

beforeAll(async () => {
  project = new TempProject('precision-change-');
  const clientText = `#!/bin/sh
# the client under test
base=100
n=$(cat "$2" 2>/dev/null || echo 0)
echo $((n + 1)) > "$2"
printf '{"format_version":1,"load_model":"open","offered_rps":100,"achieved_rps":100,"completed":200,"errors":0,"timeouts":0,"latency_us":{"p50":%s,"p99":400}}\\n' $((base + n % 3)) > "$1"
`;
  const client = project.write('client.sh', clientText);
  chmodSync(client, 0o755);
  // The run counter lives outside the checkout (every tree's client shares it).
  project.workload(
    'w',
    `server:\n  name: srv\n  command: sleep 30\nclients:\n  name: gen\n  command: sh client.sh {{metrics_file}} ${path.join(path.dirname(project.root), `${path.basename(project.root)}.count`)}\n  metrics_flag: null\n` +
      `instrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.write('.gitignore', 'experiments/artifacts/\nreports/\n.wt/\nnode_modules/\nout/\n*.json\n');
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'base');
  writeFileSync(client, clientText.replace('base=100', 'base=150'));
  project.write('experiments/mutations/slow.patch', `${await git('diff')}\n`);
  writeFileSync(client, clientText.replace('# the client under test', '# the client under test (comment edited: an A/A change)'));
  project.write('experiments/mutations/same.patch', `${await git('diff')}\n`);
  writeFileSync(client, clientText);
  project.suite(
    'change',
    `order: interleaved\nworkloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n    mutations:\n      - { name: slow, patch: experiments/mutations/slow.patch }\n      - { name: same, patch: experiments/mutations/same.patch }\n    precision:\n      confidence: 0.8\n      min_repetitions: 2\n      max_repetitions: 10\n      targets:\n        - { metric: p50_us, of: change, half_width: 0.5, margin: 5 }\n`,
  );
  await runCli(['compile'], { cwd: project.root });
  await git('add', '-A');
  await git('commit', '-qm', 'suite and patches');
});
afterAll(() => project.dispose());

it('harness run: measures base and patches until each change is decided against the margin, then skips the rest', async () => {
  const out = path.join(project.root, 'out');
  const summaryPath = path.join(project.root, 'summary.json');
  const res = await runCli(['run', '--suite', 'change', '--artifacts', out, '--summary', summaryPath], { cwd: project.root, env: { HARNESS_WORKTREE_DIR: path.join(project.root, '.wt') } });
  expect(res.exitCode, res.all).toBe(0);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { runs: Record<string, number>; precision: Record<string, unknown>[]; warnings: string[] };
  // Ten blocks of three runs planned; five measured, the rest not needed.
  expect(readdirSync(out)).toHaveLength(15);
  expect(summary.runs).toMatchObject({ total: 15, passed: 15, failed: 0, not_needed: 15 });
  const reason = 'precision: verdict-decided after 5 blocks (every target met or decided after 5 blocks); block 5 is not needed';
  for (const m of ['base', 'slow', 'same']) expect(res.all).toContain(`[harness] skip w/baseline/mutation=${m}/5: ${reason}, nor any later block of w/mutation=${m}`);
  const junit = readFileSync(path.join(project.root, 'reports/junit.xml'), 'utf8');
  expect(junit).toMatch(/<testsuites name="change" tests="30" failures="0" errors="0" skipped="15"/);
  // One row per patch, none for the base (what they are measured against), each with its verdict.
  expect(summary.precision).toHaveLength(2);
  const row = (m: string) => summary.precision.find((r) => r.mutation === m)!;
  expect(row('slow')).toMatchObject({ variant: 'default', mode: 'baseline', of: 'change', margin: 5, verdict: 'regressed', status: 'decided', stop_reason: 'verdict-decided', blocks: 5 });
  expect(row('slow').verdict_text).toMatch(/^regressed by more than 5 % \(interval \[\+4\d\.\d %, \+5\d\.\d %\]\)$/);
  expect(row('same')).toMatchObject({ variant: 'default', mode: 'baseline', of: 'change', verdict: 'no-change', status: 'decided', stop_reason: 'verdict-decided', blocks: 5 });
  expect(row('same').verdict_text).toMatch(/^no change within ±5 % \(interval \[/);
  // The HTML report and the job-summary markdown name the arm by its mode and patch.
  const html = readFileSync(path.join(project.root, 'reports/index.html'), 'utf8');
  expect(html).toContain('<td>baseline under slow</td><td>default</td><td>change of p50_us vs base</td>');
}, 240_000);
