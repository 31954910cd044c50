// `npm run bench` step: the catalog's precision suites on this machine (docs/precision.md) — for
// each target, the blocks it needed, why measuring stopped, the achieved half-width against the
// target, the estimate with its anytime-valid interval and the margin verdict, plus the minutes the
// suite took and the runs it did not need.
//   full:         `harness run --suite precise-regression`, then `--suite precise-overhead`
//                 (budgets: 10 min per regression entry, 20 min for the overhead entry)
//   BENCH_QUICK=1: the regression suite's kv-slow entry only, through plain `npx vitest run`
//                 (decided after 7 blocks, the fewest a 95 % sequence bounds anything with: ~2 min)
// BENCH_PRECISE_SUITES=a,b picks the suites of the full mode.
// Usage: node --import tsx bench/precise-suites.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { SuiteSummary } from '../harness/report/summary.ts';

const repo = path.resolve(import.meta.dirname, '..');
const quick = process.env.BENCH_QUICK === '1';
const suites = (process.env.BENCH_PRECISE_SUITES ?? 'precise-regression,precise-overhead').split(',').filter(Boolean);
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-precise-'));

const fmt = (x: number | null, digits = 1): string => (x === null ? '∞' : x.toFixed(digits));

function print(name: string, summary: SuiteSummary, seconds: number): void {
  const { runs } = summary;
  console.log(`${name}: ${(seconds / 60).toFixed(1)} min, ${runs.total} runs measured (${runs.passed} passed), ${runs.not_needed ?? 0} not needed`);
  for (const r of summary.precision ?? []) {
    const arm = r.mutation === null ? r.mode : `${r.mode} under ${r.mutation}`;
    const unit = r.of === 'value' ? '%' : 'pp';
    const est = r.of === 'value' ? fmt(r.estimate, 2) : `${fmt(r.estimate, 2)} %`;
    console.log(
      `  ${r.workload}/${arm} ${r.of} of ${r.metric}: ${r.blocks} blocks, ${r.stop_reason}; ±${fmt(r.achieved_half_width, 2)} / ±${r.target} ${unit}; ` +
        `${est} [${fmt(r.interval.low, 2)}, ${fmt(r.interval.high, 2)}]${r.verdict_text ? `; ${r.verdict_text}` : ''}`,
    );
  }
  for (const w of summary.warnings.filter((x) => x.startsWith('precision:'))) console.log(`  warning: ${w}`);
}

async function timed(cmd: string[]): Promise<{ seconds: number; exitCode: number; all: string }> {
  const t0 = performance.now();
  const r = await execa(cmd[0]!, cmd.slice(1), { cwd: repo, reject: false, all: true });
  return { seconds: (performance.now() - t0) / 1000, exitCode: r.exitCode ?? 1, all: r.all ?? '' };
}

try {
  if (quick) {
    // Plain Vitest on one entry's generated files: the gate skips the blocks the stop rule does not need.
    const r = await timed(['npx', 'vitest', 'run', 'suites/precise-regression/kv-slow']);
    if (r.exitCode !== 0) throw new Error(`bench: npx vitest run suites/precise-regression/kv-slow exited ${r.exitCode}\n${r.all.slice(-3000)}`);
    print('precise-regression (kv-slow only)', JSON.parse(readFileSync(path.join(repo, 'reports/summary.json'), 'utf8')) as SuiteSummary, r.seconds);
  } else {
    for (const suite of suites) {
      const summaryPath = path.join(work, `${suite}.json`);
      const r = await timed([process.execPath, path.join(repo, 'bin/harness.js'), 'run', '--suite', suite, '--artifacts', path.join(work, `art-${suite}`), '--summary', summaryPath]);
      if (r.exitCode !== 0) console.log(`bench: ${suite} exited ${r.exitCode} (its failed runs are missing blocks; the rows below say what was reached)`);
      print(suite, JSON.parse(readFileSync(summaryPath, 'utf8')) as SuiteSummary, r.seconds);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
