import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignModeColors } from '../../../harness/report/html/mode-colors.ts';
import { writeHtmlReport } from '../../../harness/report/html/render-html-report.ts';
import { buildSuiteRecords, makeTempDir, summarizeFixture, writeFixtureRecord } from './report-fixtures.ts';

// The real browser, not a DOM double: the charts are only proven by a page that draws them.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE = '<script>alert(1)</script>';
/** Set to keep the report and its screenshot for a look. */
const KEEP = process.env.KEEP_HTML_REPORT === '1';

interface ChartGeometry {
  id: string;
  width: number;
  height: number;
  /** Data paths (bars, CDF lines) with a real area on screen. */
  drawn: number;
}

interface GuardedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, page errors, dialogs. */
  problems: string[];
  /** Every request the page made. */
  requests: string[];
  /** Requests off the file system, failed by the route. */
  blocked: string[];
}

// Open a page with every request off the file system failed and recorded, and every error collected.
async function openGuarded(browser: Browser, url: string): Promise<GuardedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const guarded: GuardedPage = { context, page: await context.newPage(), problems: [], requests: [], blocked: [] };
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith('file:')) return route.continue();
    guarded.blocked.push(target);
    return route.abort('blockedbyclient');
  });
  const { page, problems } = guarded;
  page.on('request', (r) => guarded.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return guarded;
}

describe('HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  const dir = makeTempDir('html-report-chromium-');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (DEBIAN_FRONTEND=noninteractive apt-get install -y chromium); CI installs it in .ci/install-deps.sh`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (KEEP) console.info(`HTML report and screenshot kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart offline, with no request off the file system and no errors', async () => {
    const records = buildSuiteRecords(dir, { variants: ['small-values', HOSTILE], tweak: (r) => (r.repetition === 4 && r.mode === 'perf-stat' && r.variant === HOSTILE ? { ...r, histogram: false } : r) });
    records.push(writeFixtureRecord(dir, { mode: 'microsentinel', variant: 'small-values', repetition: 5, status: 'failed', order: 999 }));
    const file = path.join(dir, 'reports', 'index.html');
    writeHtmlReport(file, summarizeFixture(records), records);

    const { context, page, problems, requests, blocked } = await openGuarded(browser!, pathToFileURL(file).href);
    const modeColors = [...assignModeColors(['baseline', 'perf-stat', 'microsentinel']).values()];
    const charts = await page.$$eval(
      'figure.chart',
      (figures, colors) =>
        figures.map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          // Bars carry ECharts' data marker; CDF lines are unfilled paths stroked in a mode's color.
          const data = [...(svg?.querySelectorAll('path') ?? [])].filter((p) => p.getAttribute('ecmeta_ssr_type') === 'chart' || (p.getAttribute('fill') === 'none' && colors.includes(p.getAttribute('stroke') ?? '')));
          const drawn = data.filter((p) => {
            const b = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox();
            return b.width > 1 && b.height > 1;
          }).length;
          return { id: f.getAttribute('data-chart') ?? '', width: box?.width ?? 0, height: box?.height ?? 0, drawn };
        }),
      modeColors,
    );
    await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });

    const byId = new Map<string, ChartGeometry>(charts.map((c) => [c.id, c]));
    const ids = ['throughput_rps', 'p50_us', 'p99_us', 'overhead/throughput_rps', 'overhead/p50_us', 'overhead/p99_us', 'cdf/small-values', `cdf/${HOSTILE}`].map((id) => `kv/${id}`);
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(150);
    }
    // One bar per variant × mode, one per variant × non-baseline mode for overhead, one line per passed run with a histogram.
    for (const id of ['throughput_rps', 'p50_us', 'p99_us']) expect(byId.get(`kv/${id}`)!.drawn, id).toBe(6);
    for (const id of ['overhead/throughput_rps', 'overhead/p50_us', 'overhead/p99_us']) expect(byId.get(`kv/${id}`)!.drawn, id).toBe(4);
    expect(byId.get('kv/cdf/small-values')!.drawn).toBe(15);
    expect(byId.get(`kv/cdf/${HOSTILE}`)!.drawn).toBe(14);

    // Result strings arrive as text, never as markup.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('td', { hasText: HOSTILE }).count()).toBeGreaterThan(0);
    expect(await page.locator('tr.run.failed').count()).toBe(1);
    expect(await page.locator('tr.run.failed .error').innerText()).toBe('process: Server kv exited with code 1 while the clients were running');

    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await context.close();
  });

  it('has a network guard that sees and fails a request off the file system (control for the test above)', async () => {
    const file = path.join(dir, 'control.html');
    writeFileSync(file, '<!DOCTYPE html><title>control</title><img src="http://127.0.0.1:9/pixel.png">');
    const { context, problems, blocked } = await openGuarded(browser!, pathToFileURL(file).href);
    expect(blocked).toEqual(['http://127.0.0.1:9/pixel.png']);
    expect(problems.join('\n')).toMatch(/ERR_BLOCKED_BY_CLIENT|Failed to load/);
    await context.close();
  });
});
