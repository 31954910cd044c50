import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHtmlReport, writeHtmlReport } from '../../../harness/report/html/render-html-report.ts';
import { collectLatencyCurves, histogramPercentiles } from '../../../harness/report/html/latency-cdf.ts';
import { escapeHtml, html } from '../../../harness/report/html/html.ts';
import { fileHref } from '../../../harness/report/format.ts';
import { buildSuiteRecords, makeTempDir, summarizeFixture, writeFixtureRecord } from './report-fixtures.ts';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_ATTR = '"><img src=x onerror=alert(2)>';

const temps: string[] = [];
const tempDir = (): string => {
  const dir = makeTempDir();
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const chartIds = (page: string): string[] => [...page.matchAll(/<figure class="chart" data-chart="([^"]*)"/g)].map((m) => m[1]!);
const runRows = (page: string): string[] => [...page.matchAll(/<tr class="run [^"]*"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
const hrefs = (fragment: string): string[] => [...fragment.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('renderHtmlReport', () => {
  it('renders the header, a chart per metric, overhead and CDF, and a row per run', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root);
    records.push(writeFixtureRecord(root, { mode: 'microsentinel', repetition: 5, status: 'failed', order: 100, error: 'Server kv exited with code 1\nstack line that must not show' }));
    const page = renderHtmlReport(summarizeFixture(records), records, { title: 'Overhead of kv', artifactLinkBase: path.join(root, 'reports') });

    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<title>Overhead of kv</title>');
    expect(page).toContain('<h1>Overhead of kv</h1>');
    expect(page).toContain('16 total');
    expect(page).toContain('15 passed');
    expect(page).toContain('<span class="failed">1 failed</span>');
    expect(page).toContain('<h2>Workload kv</h2>');
    expect(chartIds(page)).toEqual(['kv/throughput_rps', 'kv/p50_us', 'kv/p99_us', 'kv/overhead/throughput_rps', 'kv/overhead/p50_us', 'kv/overhead/p99_us', 'kv/cdf/default']);
    // Every chart is an inline SVG with drawn bars or lines.
    for (const figure of page.split('<figure class="chart"').slice(1)) {
      expect(figure).toMatch(/<svg [^>]*viewBox="0 0 \d+ \d+"/);
      expect(figure).toMatch(/<path d="M[\d.]+ [\d.]+L/);
    }
    const rows = runRows(page);
    expect(rows).toHaveLength(16);
    const failed = rows.filter((r) => r.startsWith('<tr class="run failed"'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('<span class="status failed">failed</span>');
    expect(failed[0]).toContain('<b>process</b>: Server kv exited with code 1</div>');
    expect(page).not.toContain('stack line that must not show');
  });

  it('links each run to its folder, run_result.json and logs, relative to the report folder', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root, { repetitions: 2, modes: ['baseline', 'perf-stat'] });
    const reportDir = path.join(root, 'reports');
    const page = renderHtmlReport(summarizeFixture(records), records, { artifactLinkBase: reportDir });
    const rows = runRows(page);
    expect(rows).toHaveLength(4);
    for (const [i, row] of rows.entries()) {
      const links = hrefs(row);
      expect(links.map((l) => path.basename(decodeURIComponent(l)))).toEqual([path.basename(records[i]!.dir), 'run_result.json', 'kv_server.log', 'kv-gen_client.log']);
      for (const link of links) {
        // Relative, URL-encoded (the folders' names hold a space), and pointing at what exists.
        expect(link).toMatch(/^\.\.\/artifacts\/\d{3}%20/);
        expect(existsSync(path.resolve(reportDir, decodeURIComponent(link)))).toBe(true);
      }
      expect(links[0]).toMatch(/\/$/);
    }
  });

  it('escapes every string from the results: run names, variants, modes, errors, warnings', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root, { repetitions: 2, variants: [HOSTILE, HOSTILE_ATTR], modes: ['baseline', HOSTILE] });
    records.push(writeFixtureRecord(root, { workload: HOSTILE, mode: 'baseline', variant: HOSTILE, repetition: 0, status: 'failed', name: `${HOSTILE}${HOSTILE_ATTR}`, error: `${HOSTILE} crashed`, order: 50 }));
    const summary = summarizeFixture(records);
    summary.suite = HOSTILE;
    summary.descriptor = HOSTILE_ATTR;
    summary.warnings.push(HOSTILE);
    const page = renderHtmlReport(summary, records);

    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/"\s*onerror=/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    // The hostile names reach the charts too, as SVG text.
    expect(page).toMatch(/<text [^>]*>[^<]*&lt;script&gt;/);
    expect(runRows(page)).toHaveLength(9);
  });

  it('renders a suite with no runs', () => {
    const summary = summarizeFixture([]);
    const page = renderHtmlReport(summary, []);
    expect(page).toContain('0 total');
    expect(page).toContain('No runs were recorded.');
    expect(chartIds(page)).toEqual([]);
  });

  it('renders a suite whose runs all failed, without charts', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root, { repetitions: 2, tweak: (r) => ({ ...r, status: 'failed' }) });
    const page = renderHtmlReport(summarizeFixture(records), records);
    expect(chartIds(page)).toEqual([]);
    expect(page).toContain('No passed run with metrics: nothing to chart.');
    expect(runRows(page).every((r) => r.startsWith('<tr class="run failed"'))).toBe(true);
    expect(runRows(page)).toHaveLength(6);
  });

  it('draws bars without intervals for one repetition', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root, { repetitions: 1 });
    const summary = summarizeFixture(records);
    expect(summary.groups.every((g) => g.metrics.throughput_rps!.ci95 === null)).toBe(true);
    const page = renderHtmlReport(summary, records);
    expect(chartIds(page)).toContain('kv/throughput_rps');
    expect(chartIds(page)).toContain('kv/overhead/throughput_rps');
    expect(page).toContain(' (n=1)</text>');
    expect(page).toContain('one line per client of 3 passed runs');
  });

  it('draws a CDF per variant and labels bars by variant and mode when there are many variants', () => {
    const root = tempDir();
    const variants = ['v1', 'v2', 'v3', 'v4', 'v5'];
    const records = buildSuiteRecords(root, { repetitions: 2, variants });
    const page = renderHtmlReport(summarizeFixture(records), records);
    expect(chartIds(page).filter((id) => id.startsWith('kv/cdf/'))).toEqual(variants.map((v) => `kv/cdf/${v}`));
    expect(page).toMatch(/<text [^>]*>v3 · perf-stat<\/text>/);
  });

  it('skips runs without a histogram in the CDF, and leaves the CDF out when none has one', () => {
    const root = tempDir();
    const some = buildSuiteRecords(root, { repetitions: 2, tweak: (r) => ({ ...r, histogram: r.repetition === 0 }) });
    expect(renderHtmlReport(summarizeFixture(some), some)).toContain('one line per client of 3 passed runs');
    const none = buildSuiteRecords(tempDir(), { repetitions: 2, tweak: (r) => ({ ...r, histogram: false }) });
    const page = renderHtmlReport(summarizeFixture(none), none);
    expect(chartIds(page)).not.toContain('kv/cdf/default');
    expect(chartIds(page)).toContain('kv/throughput_rps');
  });
});

describe('latency curves', () => {
  it('reads histogram percentiles, ignoring malformed points and zero latencies', () => {
    expect(histogramPercentiles(null)).toBeNull();
    expect(histogramPercentiles({ histogram: { percentiles: 'nope' } })).toBeNull();
    expect(histogramPercentiles({ histogram: { percentiles: [{ percentile: 0, value_us: 0 }, { percentile: 50, value_us: 100 }] } })).toBeNull();
    const points = histogramPercentiles({ histogram: { percentiles: [{ percentile: 99, value_us: 900 }, { percentile: 0, value_us: 0 }, { percentile: 'x' }, { percentile: 50, value_us: 100 }] } });
    expect(points).toEqual([{ percentile: 50, value_us: 100 }, { percentile: 99, value_us: 900 }]);
  });

  it('takes only passed runs and their clients', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root, { repetitions: 1, modes: ['baseline'] });
    records.push(writeFixtureRecord(root, { mode: 'baseline', repetition: 1, status: 'failed', order: 9 }));
    const curves = collectLatencyCurves(records);
    expect(curves.map((c) => [c.run, c.client])).toEqual([['kv/baseline/default/0', 'kv-gen']]);
  });
});

describe('writeHtmlReport', () => {
  it('writes the page atomically with links relative to its own folder', () => {
    const root = tempDir();
    const records = buildSuiteRecords(root, { repetitions: 1, modes: ['baseline'] });
    const file = path.join(root, 'reports', 'index.html');
    writeHtmlReport(file, summarizeFixture(records), records);
    expect(readdirSync(path.dirname(file))).toEqual(['index.html']);
    const page = readFileSync(file, 'utf8');
    expect(hrefs(runRows(page)[0]!)[1]).toBe(`../artifacts/${encodeURIComponent(path.basename(records[0]!.dir))}/run_result.json`);
  });
});

describe('html helpers', () => {
  it('escapes interpolations unless they are already markup', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p title="${'"x"'}">${['<b>', html`<i>ok</i>`, null, false, 3]}</p>`.value).toBe('<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i>3</p>');
  });

  it('makes absolute file:// links when no base folder is given', () => {
    expect(fileHref('/tmp/a b/c#d', undefined)).toBe('file:///tmp/a%20b/c%23d');
    expect(fileHref('/tmp/a b', '/tmp', { folder: true })).toBe('a%20b/');
  });
});
