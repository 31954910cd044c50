// `npm run bench` step: the catalog's precision suites on this machine (docs/precision.md) — for
// each target, the blocks it needed, why measuring stopped, the achieved half-width against the
// target, the estimate with its anytime-valid interval and the margin verdict, plus the minutes the
// suite took and the runs it did not need.
//   full:         `harness run --suite precise-regression`, then `--suite precise-overhead`
//                 (budgets: 10 min per regression entry, 20 min for the overhead entry)
//   BENCH_QUICK=1: the regression suite's kv-slow entry only, through plain `npx vitest run`
//                 (decided after 7 blocks, the fewest a 95 % sequence bounds anything with: ~2 min)
// BENCH_PRECISE_SUITES=a,b picks the suites of the full mode.
// Then the A/A check (docs/precision.md "Checking your host: the A/A suite"): the precise-aa suite —
// an idle observer, true overhead 0, margin 0 % — run BENCH_PRECISE_AA times (default 20; quick: 1 of
// 3 blocks), each from a scratch root (BENCH_AA_MAX_REPS=N caps its blocks), and every verdict it
// reached counted: "costs more than 0 %" and "costs at most 0 %" are both false (target: ≤ 1 false
// "costs more" in 20 suites), plus how often the interval held 0, the widths and the minutes.
// Usage: node --import tsx bench/precise-suites.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { SuiteSummary } from '../harness/report/summary.ts';
import { descriptorWithMaxReps, makeScratchRoot } from './scratch-root.ts';

const repo = path.resolve(import.meta.dirname, '..');
const quick = process.env.BENCH_QUICK === '1';
const suites = (process.env.BENCH_PRECISE_SUITES ?? 'precise-regression,precise-overhead').split(',').filter(Boolean);
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-precise-'));
const aaSuites = Number(process.env.BENCH_PRECISE_AA ?? (quick ? 1 : 20));
const aaMaxReps = process.env.BENCH_AA_MAX_REPS ?? (quick ? '3' : undefined);

const fmt = (x: number | null, digits = 1): string => (x === null || x === Infinity ? '∞' : x.toFixed(digits));

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

// The A/A suites: from a scratch root (the checkout's code linked in), so that a capped copy of the
// descriptor generates its files there, not in this checkout's suites/.
async function aaCheck(): Promise<void> {
  if (aaSuites < 1) return;
  const root = path.join(work, 'aa-root');
  makeScratchRoot(repo, root);
  writeFileSync(path.join(root, 'desc/aa.yaml'), descriptorWithMaxReps(repo, 'precise-aa', aaMaxReps, 'BENCH_AA_MAX_REPS'));
  const rows: { estimate: number | null; low: number | null; high: number | null; width: number | null; blocks: number; verdict: string; minutes: number }[] = [];
  for (let i = 0; i < aaSuites; i++) {
    const summaryPath = path.join(work, `aa-${i}.json`);
    const r = await timed([process.execPath, path.join(repo, 'bin/harness.js'), '--root', root, 'run', '--suite', path.join(root, 'desc/aa.yaml'), '--artifacts', path.join(work, `art-aa-${i}`), '--summary', summaryPath]);
    if (r.exitCode !== 0) console.log(`bench: precise-aa #${i + 1} exited ${r.exitCode} (its failed runs are missing blocks)`);
    const row = (JSON.parse(readFileSync(summaryPath, 'utf8')) as SuiteSummary).precision?.find((x) => x.of === 'overhead' && x.mode === 'microsentinel');
    if (!row) throw new Error(`bench: precise-aa #${i + 1}: no overhead row in ${summaryPath}`);
    rows.push({ estimate: row.estimate, low: row.interval.low, high: row.interval.high, width: row.achieved_half_width, blocks: row.blocks, verdict: row.verdict ?? 'none', minutes: r.seconds / 60 });
    console.log(
      `precise-aa ${i + 1}/${aaSuites}: ${row.blocks} blocks, ${row.stop_reason}, ${(r.seconds / 60).toFixed(1)} min; overhead ${fmt(row.estimate, 2)} % [${fmt(row.interval.low, 2)}, ${fmt(row.interval.high, 2)}]; ${row.verdict_text ?? row.verdict}`,
    );
    rmSync(path.join(work, `art-aa-${i}`), { recursive: true, force: true });
  }
  const count = (v: string): number => rows.filter((x) => x.verdict === v).length;
  const held = rows.filter((x) => (x.low ?? -Infinity) <= 0 && 0 <= (x.high ?? Infinity)).length;
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const med = (xs: number[]): number | null => (xs.length ? sorted(xs)[Math.floor(xs.length / 2)]! : null);
  const widths = rows.map((x) => x.width ?? Infinity);
  console.log(
    `precise-aa (${aaSuites} suites${aaMaxReps ? `, at most ${aaMaxReps} blocks each` : ''}): false "costs more than 0 %": ${count('costs-more')} (target ≤ 1 in 20); false "costs at most 0 %": ${count('costs-at-most')}; ` +
      `interval held 0 in ${held}/${rows.length}; blocks median ${med(rows.map((x) => x.blocks))}; half-width median ±${fmt(med(widths), 2)} pp; estimate median ${fmt(med(rows.map((x) => x.estimate ?? NaN)), 2)} %; ` +
      `minutes per suite median ${fmt(med(rows.map((x) => x.minutes)), 1)}`,
  );
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
  await aaCheck();
} finally {
  rmSync(work, { recursive: true, force: true });
}
