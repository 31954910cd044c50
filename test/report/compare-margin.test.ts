import { describe, expect, it } from 'vitest';
import { compareWithMargin, formatMarginMarkdown } from '../../harness/report/compare-margin.ts';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { runMain } from '../helpers/cli.ts';
import { MEASURED_NOISE, runNoise } from '../../harness/stats/precision-simulation.ts';
import { fakeSuite } from '../helpers/run-records.ts';
import { tempJsonFiles } from '../helpers/temp-project.ts';

const meta = { suite: 'overhead', descriptor: 'x.yaml' };
// A summary of `reps` blocks of baseline + perf whose throughput carries the measured run noise
// (1.8 % spread, 10 % outlier runs), scaled by `scale` (0.8 = 20 % slower).
function summary(reps: number, scale: number, seed: number) {
  const draw = runNoise(seed, MEASURED_NOISE);
  return summarizeRuns(fakeSuite(['baseline', 'perf'], reps, (m) => (m === 'baseline' ? 1000 : 950) * scale * Math.exp(-draw())), meta);
}

describe('compareWithMargin', () => {
  it('says no change within ±5 % for an A/A pair with enough repetitions, and regressed for a 20 % slower candidate', () => {
    const aa = compareWithMargin(summary(30, 1, 1), summary(30, 1, 2), { margin: 5 });
    expect(aa.rows.map((r) => r.metric).sort()).toEqual(['p50_us', 'p50_us', 'p99_us', 'p99_us', 'throughput_rps', 'throughput_rps']);
    expect(aa.overall).toBe('no-change');
    expect(aa.rows.every((r) => r.pairs === 30 && r.half_width_pp !== null && r.half_width_pp < 5)).toBe(true);
    // errors are all 0: no relative change, not listed as a problem.
    expect(aa.notCompared).toEqual([]);
    const slow = compareWithMargin(summary(30, 1, 1), summary(30, 0.8, 3), { margin: 5 });
    expect(slow.overall).toBe('regressed');
    const row = slow.rows.find((r) => r.mode === 'baseline' && r.metric === 'throughput_rps')!;
    expect(row).toMatchObject({ verdict: 'regressed', direction: 'higher-is-better', confidence: 1 - 0.05 / 3 });
    expect(row.change_pct).toBeGreaterThan(20);
    expect(row.reason).toMatch(/^regressed by more than 5 % \(interval \[\+\d+\.\d %, \+\d+\.\d %\]\)$/);
  });

  it('stays inconclusive with unbounded intervals at 5 repetitions, and says why', () => {
    const r = compareWithMargin(summary(5, 1, 1), summary(5, 0.8, 2), { margin: 5 });
    expect(r.overall).toBe('inconclusive');
    // ln ratio −∞ reads as −100 %: the lower side is as open as a change can be; the upper is unbounded.
    expect(r.rows.every((x) => x.low_pct === -100 && x.high_pct === null && x.half_width_pp === null)).toBe(true);
    expect(formatMarginMarkdown(r, { base: 'a', candidate: 'b' })).toContain('a 95 % sequence bounds nothing before 7 pairs');
  });

  it('refuses to pair when a metric is missing in some runs, saying which', () => {
    const base = summary(10, 1, 1);
    const g = base.groups[0]!;
    g.metrics.p50_us = { ...g.metrics.p50_us!, values: g.metrics.p50_us!.values.slice(1) };
    const r = compareWithMargin(base, summary(10, 1, 2), { margin: 5 });
    expect(r.notCompared).toEqual([`kv/${g.mode}/default p50_us (cannot pair runs by repetition: base has 9 values for 10 repetitions)`]);
  });
});

describe('harness compare --margin (CLI, two summary files)', () => {
  const { write } = tempJsonFiles('cmp-margin-');
  const run = (args: string[]) => runMain(['compare', ...args]);

  it('prints margin verdicts, fails on a regression beyond the margin, passes an A/A pair', async () => {
    const base = write('base.json', summary(30, 1, 1));
    const same = write('same.json', summary(30, 1, 2));
    const slow = write('slow.json', summary(30, 0.8, 3));
    const aa = await run([base, same, '--margin', '5%', '--fail-on', 'regression']);
    expect(aa.code).toBe(0);
    expect(aa.out).toMatch(/^## .*same\.json vs .*base\.json: \*\*no-change\*\* \(margin ±5 %\)\n\n0 regressed, 0 improved, 6 no change within ±5 %, 0 inconclusive/);
    expect(aa.out).toMatch(/\| kv \| perf \| default \| throughput_rps \| 30 \| [+-]?\d+\.\d % \| \[-\d+\.\d %, \+\d+\.\d %\] \| no-change \|/);
    const bad = await run([base, slow, '--margin', '0.05', '--fail-on', 'regression']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('**regressed** (margin ±5 %)');
    const json = JSON.parse((await run([base, slow, '--margin', '5%', '--json'])).out);
    expect(json.margin).toMatchObject({ margin_pct: 5, overall: 'regressed', alpha: 0.05 });
    expect(json.rows.length).toBeGreaterThan(0); // the Mann–Whitney rows stay in the JSON
  });

  it('rejects a bad --margin with exit code 2 and the value', async () => {
    const base = write('b2.json', summary(5, 1, 1));
    const r = await run([base, base, '--margin', 'five']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--margin must be a fraction like 0.05 or a percentage like 5%, got "five"');
  });
});
