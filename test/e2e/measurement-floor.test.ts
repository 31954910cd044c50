// A generator slowed on purpose (kv --self-stall-*: a 20 ms freeze after every 100th send) sets its
// own tail: the run must say p99.9 is not measurable on this node, and so must the HTML report, read
// back in headless Chromium.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeHtmlReport } from '../../harness/report/html/render-html-report.ts';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { runShippedConfig } from '../workloads/helpers/workload-config-run.ts';

const CHROMIUM = '/usr/bin/chromium';

let project: TempProject;
beforeEach(() => {
  project = new TempProject('measurement-floor-');
});
afterEach(() => project.dispose());

it('a generator that stalls itself reports p99.9 as not measurable, in run_result.json, summary.json and the HTML report', async () => {
  const stall = (yaml: string): string => yaml.replace('--calibrate-s {{settings.calibrate_s}}', '--calibrate-s {{settings.calibrate_s}} --self-stall-every 100 --self-stall-us 20000');
  const { session, result } = await runShippedConfig(project, 'kv', [6390], '        settings: { rate: 1000, duration_s: 2, warmup_s: 0.3, keys: 200, calibrate_s: 0.2 }\n', stall);
  expect(result.status, result.error?.message).toBe('passed');
  const latency = result.latency!;
  expect(latency.clients).toHaveLength(1);
  expect(latency.clients[0]!.calibration!.requests).toBeGreaterThan(0);
  expect(latency.clients[0]!.send_mode).toBe('sleep');
  // 1 % of sends are followed by a 20 ms freeze: every request due in it leaves late, so send lag p99.9 ≥ ~19 ms.
  // (With a 4 ms freeze, one host hiccup of ~8 ms in 2,000 requests made p99.9 twice the floor: measurable.)
  const p999 = latency.percentiles.p999_us!;
  expect(p999.floor_us!).toBeGreaterThan(2000);
  expect(p999.measurable).toBe(false);
  expect(p999.reason).toMatch(/^p99\.9 not measurable on this node: the generator's floor is [\d.]+ ms/);
  expect(result.warnings).toContain(p999.reason);
  // The interval comes from the histogram's own count, and brackets the value.
  expect(p999.samples).toBe(result.key_metrics.completed);
  expect(p999.ci95.low!).toBeLessThanOrEqual(p999.value_us);
  const p50 = latency.percentiles.p50_us!;
  expect(p50.ci95.low!).toBeLessThanOrEqual(p50.value_us);
  expect(p50.ci95.high!).toBeGreaterThanOrEqual(p50.value_us);

  const records = [{ dir: session.artifactDir, result }];
  const summary = summarizeRuns(records, { suite: 's', descriptor: 's.yaml' });
  expect(summary.groups[0]!.not_measurable?.p999_us).toMatchObject({ runs: 1, of: 1, reason: p999.reason });

  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (.ci/install-deps.sh)`);
  const file = path.join(project.root, 'reports', 'index.html');
  writeHtmlReport(file, summary, records);
  expect(readFileSync(file, 'utf8')).toContain('not-measurable');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const shown = await page.locator('ul.not-measurable li').allInnerTexts();
    expect(shown.some((t) => t.includes(p999.reason!))).toBe(true);
    expect(await page.locator('ul.not-measurable').isVisible()).toBe(true);
  } finally {
    await browser.close();
  }
}, 120_000);
