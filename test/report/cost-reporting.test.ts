import { describe, expect, it } from 'vitest';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { computeRecovery } from '../../harness/report/recovery.ts';
import { renderHtmlReport } from '../../harness/report/html/render-html-report.ts';
import { renderSummaryMarkdown } from '../../harness/report/summary-markdown.ts';
import { estimateRecovery } from '../../harness/stats/index.ts';
import { buildJUnit } from '../../harness/report/junit-reporter.ts';
import { outcomeFromRecord } from '../../harness/report/run-outcome.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import { fakeRecord } from '../helpers/run-records.ts';

const meta = { suite: 'fidelity', descriptor: 'experiments/configs/experiments/fidelity.yaml' };

// A fidelity-shaped suite: variants inject D µs per request; `cpu(D, rep)` and `p50(D, rep)` give the figures.
function fidelityRecords(ds: number[], reps: number, cpu: (d: number, rep: number) => number, p50: (d: number, rep: number) => number): RunRecord[] {
  const out: RunRecord[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const d of ds) {
      const r = fakeRecord({ mode: 'baseline', variant: `injected_us=${d}`, repetition: rep, metrics: { throughput_rps: 2000, p50_us: p50(d, rep), p99_us: 400, server_cpu_us_per_req: cpu(d, rep) } }, 'fidelity');
      r.result.run.params = { injected_us: d };
      out.push(r);
    }
  }
  return out;
}

describe('known-cost recovery', () => {
  it('estimates the paired difference with an interval, so drift between repetitions cancels', () => {
    // The machine drifts +10 µs per repetition; the injected cost is exactly D on top of it.
    const records = fidelityRecords([0, 5, 20], 6, (d, rep) => 30 + 10 * rep + d, (d, rep) => 60 + 7 * rep + 1.1 * d);
    const rows = computeRecovery(records);
    const cpu20 = rows.find((r) => r.injected_us === 20 && r.metric === 'server_cpu_us_per_req')!;
    expect(cpu20).toMatchObject({ blocks: 6, delta: 20, recovered_ratio: 1, covers: true, ci95: { low: 20, high: 20 } });
    const p50of5 = rows.find((r) => r.injected_us === 5 && r.metric === 'p50_us')!;
    expect(p50of5.delta).toBeCloseTo(5.5, 6);
    expect(p50of5.covers).toBe(false);
    expect(rows.filter((r) => r.injected_us === 0)).toEqual([]);
    // It reaches the summary only for suites that inject a cost.
    expect(summarizeRuns(records, meta).recovery).toEqual(rows);
    expect(summarizeRuns(records.map((r) => ({ ...r, result: { ...r.result, run: { ...r.result.run, params: {} } } })), meta).recovery).toBeUndefined();
  });

  it('pairs only runs that differ in the injected cost alone, and says when there is no interval', () => {
    const records = fidelityRecords([0, 50], 1, (d) => 30 + d, (d) => 60 + d);
    const odd = fakeRecord({ mode: 'baseline', variant: 'injected_us=50,x=1', repetition: 0, metrics: { server_cpu_us_per_req: 999 } }, 'fidelity');
    odd.result.run.params = { injected_us: 50, x: 1 };
    const rows = computeRecovery([...records, odd]);
    expect(rows.map((r) => [r.variant, r.metric, r.delta, r.covers])).toEqual([
      ['injected_us=50', 'p50_us', 50, null],
      ['injected_us=50', 'server_cpu_us_per_req', 50, null],
    ]);
    expect(estimateRecovery([{ reference: 1, injected: 2 }]).reason).toMatch(/n >= 2/);
  });
});

describe('CPU cost and capacity in summary and reports', () => {
  const records: RunRecord[] = [];
  for (let rep = 0; rep < 5; rep++) {
    for (const mode of ['baseline', 'microsentinel']) {
      const cost = mode === 'baseline' ? 1 : 1.02 + 0.002 * rep;
      records.push(fakeRecord({ mode, repetition: rep, metrics: { throughput_rps: 2000, p50_us: 60, p99_us: 300 * cost, server_cpu_us_per_req: 25 * cost * (1 + rep / 10), server_cpu_pct: 5, observer_cpu_pct: mode === 'baseline' ? 0 : 1.5, capacity_rps: 9000 / cost } }));
    }
  }
  const summary = summarizeRuns(records, { suite: 'overhead', descriptor: 'o.yaml' });

  it('gives CPU per request and capacity an overhead row with its interval half-width', () => {
    const cpu = summary.overhead.find((o) => o.metric === 'server_cpu_us_per_req')!;
    expect(cpu.direction).toBe('lower-is-better');
    expect(cpu.percent).toBeCloseTo(2.4, 1);
    expect(cpu.half_width).toBeCloseTo((cpu.ci95!.high - cpu.ci95!.low) / 2, 3);
    const cap = summary.overhead.find((o) => o.metric === 'capacity_rps')!;
    expect(cap.direction).toBe('higher-is-better');
    expect(cap.percent).toBeCloseTo(2.4, 1);
  });

  it('shows them in the HTML report and the job summary next to latency', () => {
    const page = renderHtmlReport(summary, records);
    for (const text of ['server CPU µs/req', 'observer CPU %', 'capacity req/s', '<small>CPU/req</small>', 'class="half-width">± ']) expect(page).toContain(text);
    expect(page).toContain('data-chart="kv/overhead/server_cpu_us_per_req"');
    expect(page).toContain('data-chart="kv/capacity_rps"');
    const md = renderSummaryMarkdown({ suite: 'overhead', descriptor: 'o.yaml', outcomes: [], summary, reportsDir: '/r', summaryPath: '/r/summary.json', startedAt: new Date(), finishedAt: new Date(), errors: [], interrupted: false }, { rootDir: '/', limitBytes: 1 << 20 });
    expect(md).toMatch(/\| microsentinel \| default \| 5 \|.*\| 2\.\d+ % \[[\d.]+, [\d.]+\] ±[\d.]+ pp \|/);
  });

  it('puts them in the JUnit properties of each run', () => {
    const xml = buildJUnit({ suite: 'overhead', outcomes: records.slice(0, 2).map((r) => outcomeFromRecord(r)) });
    for (const p of ['server_cpu_us_per_req', 'server_cpu_pct', 'observer_cpu_pct', 'capacity_rps']) expect(xml).toContain(`name="metric.${p}"`);
  });

  it('shows the recovery table of a fidelity suite', () => {
    const fid = fidelityRecords([0, 5], 3, (d, rep) => 30 + rep + d, (d) => 60 + d);
    const s = summarizeRuns(fid, meta);
    const page = renderHtmlReport(s, fid);
    expect(page).toContain('<h3>Known-cost recovery</h3>');
    expect(page).toMatch(/<td>Δ server CPU µs\/req<\/td><td class="num">5 \[5, 5\]<\/td><td class="num">100 %<\/td>/);
    expect(page).toContain('covers D');
  });
});

describe('studentTQuantile', () => {
  it('matches the table values the recovery interval uses', async () => {
    const { studentTQuantile } = await import('../../harness/stats/index.ts');
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764, 3);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 2);
    expect(studentTQuantile(0.95, 30)).toBeCloseTo(1.6973, 3);
    expect(() => studentTQuantile(0.4, 3)).toThrow(RangeError);
  });

  it('gives the recovery interval mean ± t·s/√n', () => {
    const est = estimateRecovery([10, 12, 14, 16, 18].map((injected) => ({ reference: 0, injected })));
    const half = (2.7764 * Math.sqrt(10)) / Math.sqrt(5);
    expect(est.interval!.low).toBeCloseTo(14 - half, 2);
    expect(est.interval!.high).toBeCloseTo(14 + half, 2);
  });
});
