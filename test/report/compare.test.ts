import { describe, expect, it } from 'vitest';
import { compareSummaries } from '../../harness/report/compare.ts';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { runMain } from '../helpers/cli.ts';
import { fakeSuite } from '../helpers/run-records.ts';
import { tempJsonFiles } from '../helpers/temp-project.ts';

const meta = { suite: 'overhead', descriptor: 'x.yaml' };
const noise = [0.7, -1.3, 2.1, -0.4, 1.6, -2.2, 0.9];
const summary = (scale: number, seedShift = 0) => summarizeRuns(fakeSuite(['baseline', 'perf'], 7, (m, r) => (m === 'baseline' ? 1000 : 950) * scale + 10 * noise[(r + seedShift) % 7]!), meta);

describe('compareSummaries', () => {
  it('says no change or inconclusive for two runs of the same suite', () => {
    const r = compareSummaries(summary(1), summary(1, 3), { base: 'a', candidate: 'b' });
    expect(r.counts.regressed + r.counts.improved).toBe(0);
    expect(['no-change', 'inconclusive']).toContain(r.overall);
  });

  it('says regressed when the candidate is 20 % slower', () => {
    const r = compareSummaries(summary(1), summary(0.8), { base: 'main', candidate: 'pr' });
    expect(r.overall).toBe('regressed');
    const row = r.rows.find((x) => x.mode === 'baseline' && x.metric === 'throughput_rps')!;
    expect(row.verdict).toBe('regressed');
    expect(row.effect).toBeCloseTo(0.2, 1);
    expect(r.rows.find((x) => x.mode === 'baseline' && x.metric === 'p99_us')!.verdict).toBe('regressed'); // latency up is worse
  });

  it('says improved when the candidate is faster, direction-aware', () => {
    const r = compareSummaries(summary(1), summary(1.25), { base: 'main', candidate: 'pr' }, { metrics: ['throughput_rps', 'p50_us'] });
    expect(r.rows.every((x) => x.verdict === 'improved')).toBe(true);
  });

  it('corrects within each configuration, so many other workloads do not hide a clear regression', () => {
    // 5 vs 5 completely separated: raw p = 1/252. Holm across 12 workloads × 2 modes × 5 rows would need p < 0.05/120.
    const suite = (slow: boolean) =>
      summarizeRuns(
        Array.from({ length: 12 }, (_, w) => fakeSuite(['baseline', 'perf'], 5, (m, r) => (slow && w === 0 ? 500 : 1000) + 10 * noise[r]!, `w${w}`)).flat(),
        meta,
      );
    const r = compareSummaries(suite(false), suite(true), { base: 'a', candidate: 'b' });
    expect(r.overall).toBe('regressed');
    expect(r.rows.filter((x) => x.verdict === 'regressed').every((x) => x.workload === 'w0')).toBe(true);
    expect(r.rows.find((x) => x.workload === 'w0' && x.mode === 'baseline' && x.metric === 'p50_us')!.verdict).toBe('regressed');
    expect(r.rows.filter((x) => x.workload !== 'w0').every((x) => x.verdict !== 'regressed')).toBe(true);
  });

  it('respects a per-metric minimum effect', () => {
    const r = compareSummaries(summary(1), summary(0.93), { base: 'a', candidate: 'b' }, { minEffects: { throughput_rps: 0.1 }, metrics: ['throughput_rps'] });
    expect(r.rows.every((x) => x.verdict !== 'regressed')).toBe(true);
  });
});

describe('harness compare (CLI)', () => {
  const { write } = tempJsonFiles('cmp-');
  const run = (args: string[]) => runMain(['compare', ...args]);

  it('exits 1 with --fail-on regression when something regressed, 0 otherwise', async () => {
    const base = write('base.json', summary(1));
    const slow = write('slow.json', summary(0.8));
    const same = write('same.json', summary(1, 2));
    const bad = await run([base, slow, '--fail-on', 'regression']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/## .*slow.json vs .*base.json: \*\*regressed\*\*/);
    expect((await run([base, same, '--fail-on', 'regression'])).code).toBe(0);
    const json = JSON.parse((await run([base, slow, '--json'])).out);
    expect(json.overall).toBe('regressed');
  });

  it('rejects inputs that are not summaries with exit code 2', async () => {
    const notSummary = write('x.json', { hello: 1 });
    const r = await run([notSummary, notSummary]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a suite summary');
  });
});
