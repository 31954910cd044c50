// `harness run` with a difference target along a parameter (docs/precision.md, "Measuring a
// difference along a parameter"): each repetition block runs every value of `injected_us`, and the
// runner measures until each value's p50 minus the same block's injected_us = 0 p50, in µs, is known
// to ±10 % of itself, then skips the blocks it no longer needs. The client is a real process that
// reports a p50 of 100 µs + the injected D + 0..4 µs, varying from run to run.
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;

beforeAll(async () => {
  project = new TempProject('precision-difference-');
  const client = project.write(
    'client.sh',
    `#!/bin/sh
n=$(cat "$2" 2>/dev/null || echo 0)
echo $((n + 1)) > "$2"
printf '{"format_version":1,"load_model":"open","offered_rps":100,"achieved_rps":100,"completed":200,"errors":0,"timeouts":0,"latency_us":{"p50":%s,"p99":400}}\\n' $((100 + $3 + (n * 7) % 5)) > "$1"
`,
  );
  chmodSync(client, 0o755);
  project.workload(
    'w',
    `server:\n  name: srv\n  command: sleep 30\nclients:\n  name: gen\n  command: sh client.sh {{metrics_file}} ${path.join(project.root, 'count')} {{params.injected_us}}\n  metrics_flag: null\n` +
      `instrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
  );
  project.suite(
    'fid',
    `order: interleaved\nworkloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n    parameters:\n      injected_us: [0, 40, 80]\n    precision:\n      confidence: 0.8\n      min_repetitions: 2\n      max_repetitions: 12\n      targets:\n        - { metric: p50_us, of: difference, against: { injected_us: 0 }, half_width: 10 }\n`,
  );
  // The same with stop_arms: each, and D = 400 beside D = 40: D = 400 is known to ±10 % first.
  project.suite(
    'fideach',
    `order: interleaved\nworkloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline]\n    parameters:\n      injected_us: [0, 40, 400]\n    precision:\n      confidence: 0.8\n      min_repetitions: 2\n      max_repetitions: 16\n      stop_arms: each\n      targets:\n        - { metric: p50_us, of: difference, against: { injected_us: 0 }, half_width: 10 }\n`,
  );
  await runCli(['compile'], { cwd: project.root });
});
afterAll(() => project.dispose());

// `harness run --suite <suite>` into its own artifacts folder and summary; it must exit 0.
async function runSuite(suite: string, outName: string, summaryName: string) {
  const out = path.join(project.root, outName);
  const summaryPath = path.join(project.root, summaryName);
  const res = await runCli(['run', '--suite', suite, '--artifacts', out, '--summary', summaryPath], { cwd: project.root });
  expect(res.exitCode, res.all).toBe(0);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { runs: Record<string, number>; precision: Record<string, unknown>[] };
  return { out, res, summary };
}

it('harness run: measures every value of the parameter per block until each difference is known to ±10 %, then skips the rest', async () => {
  const { out, res, summary } = await runSuite('fid', 'out', 'summary.json');
  const rows = summary.precision;
  // One row per injected D, none for the reference (what they are measured against).
  expect(rows.map((r) => r.level)).toEqual(['40', '80']);
  const blocks = rows[0]!.blocks as number;
  expect(blocks).toBeLessThan(12);
  // Every value of a block measured or skipped together.
  expect(readdirSync(out)).toHaveLength(3 * blocks);
  expect(summary.runs).toMatchObject({ total: 3 * blocks, passed: 3 * blocks, failed: 0, not_needed: 3 * (12 - blocks) });
  const reason = `precision: target-met after ${blocks} blocks (every target met or decided after ${blocks} blocks); block ${blocks} is not needed`;
  for (const d of [0, 40, 80]) expect(res.all).toContain(`[harness] skip w/baseline/injected_us=${d}/${blocks}: ${reason}, nor any later block of w/injected_us=${d}`);
  for (const r of rows) {
    const d = Number(r.level);
    expect(r).toMatchObject({ variant: 'default', mode: 'baseline', axis: 'injected_us', mutation: null, of: 'difference', against: 'injected_us=0', status: 'met', stop_reason: 'target-met', blocks });
    // 100 + D + 0..4 against 100 + 0..4: the recovered D in µs, its interval within ±10 % of it.
    expect(Math.abs((r.estimate as number) - d)).toBeLessThan(0.1 * d);
    expect(r.achieved_half_width as number).toBeLessThanOrEqual(10);
  }
  const junit = readFileSync(path.join(project.root, 'reports/junit.xml'), 'utf8');
  expect(junit).toMatch(new RegExp(`<testsuites name="fid" tests="36" failures="0" errors="0" skipped="${3 * (12 - blocks)}"`));
  // The HTML report names the arm by its mode and level, and the difference by its reference.
  const html = readFileSync(path.join(project.root, 'reports/index.html'), 'utf8');
  expect(html).toContain('<td>baseline at injected_us=40</td><td>default</td><td>difference of p50_us vs injected_us=0</td>');
}, 240_000);

it('harness run, stop_arms: each: a level known to ±10 % is not measured again while the others go on', async () => {
  const { out, res, summary } = await runSuite('fideach', 'out-each', 'summary-each.json');
  const [forty, fourHundred] = summary.precision;
  expect([forty!.level, fourHundred!.level]).toEqual(['40', '400']);
  const early = fourHundred!.blocks as number;
  const late = forty!.blocks as number;
  expect(early).toBeLessThan(late);
  for (const r of [forty!, fourHundred!]) expect(r, JSON.stringify(r)).toMatchObject({ status: 'met', stop_reason: 'target-met' });
  // The reference and D = 40 ran every block up to the stop, D = 400 only until it was settled.
  const dirs = readdirSync(out);
  const count = (d: number): number => dirs.filter((n) => n.includes(`_injected_us-${d}_`)).length;
  expect([count(0), count(40), count(400)], dirs.join(' ')).toEqual([late, late, early]);
  expect(summary.runs).toMatchObject({ total: 2 * late + early, passed: 2 * late + early, not_needed: 48 - 2 * late - early });
  expect(res.all).toMatch(
    new RegExp(`\\[harness\\] skip w/baseline/injected_us=400/${early}: precision: baseline at injected_us=400: difference p50_us ±\\d+\\.\\d\\d ≤ ±10 % after ${early} blocks \\(stop_arms: each\\); its run in block ${early} is not needed, nor any later block of w/baseline/injected_us=400`),
  );
  expect(res.all).toContain(`[harness] skip w/baseline/injected_us=0/${late}: precision: target-met after ${late} blocks`);
}, 240_000);
