import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GithubActionsReporter, ANNOTATION_CAP } from '../../harness/report/github-reporter.ts';
import { truncateToBytes } from '../../harness/report/summary-markdown.ts';
import { outcomeFromRecord } from '../../harness/report/run-outcome.ts';
import { summarizeRuns } from '../../harness/report/summary.ts';
import type { SuiteReport } from '../../harness/report/reporter.ts';
import { fakeRecord, fakeSuite } from '../helpers/run-records.ts';
import { createReporters } from '../../harness/report/suite-reports.ts';
import { testSession } from '../helpers/session.ts';

let dir: string;
let stdout: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gh-'));
  writeFileSync(path.join(dir, 'summary.md'), '');
  writeFileSync(path.join(dir, 'output'), '');
  // core.setOutput writes to GITHUB_OUTPUT itself.
  process.env.GITHUB_OUTPUT = path.join(dir, 'output');
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

function report(failures: number, extraVariants = 0): SuiteReport {
  const records = [...fakeSuite(['baseline', 'perf'], 5, (m, r) => (m === 'baseline' ? 1000 : 900) + r)];
  for (let i = 0; i < failures; i++) records.push(fakeRecord({ mode: 'perf', variant: `v${i}`, repetition: 0, status: 'failed', metrics: {}, error: `run ${i} broke` }));
  for (let i = 0; i < extraVariants; i++) records.push(fakeRecord({ mode: 'baseline', variant: `variant-${'x'.repeat(40)}-${i}`, repetition: 0, metrics: { throughput_rps: 1000 + i, p50_us: 100, p99_us: 900 } }));
  const summary = summarizeRuns(records, { suite: 'overhead', descriptor: 'experiments/configs/experiments/overhead.yaml' });
  return { suite: 'overhead', descriptor: summary.descriptor, outcomes: records.map((r) => outcomeFromRecord(r, 12)), summary, reportsDir: dir, summaryPath: path.join(dir, 'summary.json'), startedAt: new Date(), finishedAt: new Date(), errors: [], interrupted: false };
}

describe('GithubActionsReporter', () => {
  it('is active only under GitHub Actions (the session says so, from GITHUB_ACTIONS)', () => {
    const on = testSession(dir, {}, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') });
    expect(on.github).toEqual({ stepSummary: path.join(dir, 'summary.md') });
    expect(testSession(dir, {}, {}).github).toBeNull();
    expect(createReporters(on).reporters.map((r) => r.name)).toContain('github-actions');
    expect(createReporters(testSession(dir)).reporters.map((r) => r.name)).not.toContain('github-actions');
  });

  it('writes the job summary table, step outputs and capped annotations at the descriptor line', async () => {
    await new GithubActionsReporter(dir, { stepSummary: path.join(dir, 'summary.md'), output: path.join(dir, 'output') }).onSuiteEnd(report(13));
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('## Suite `overhead` — 10/23 runs passed, **13 failed**');
    expect(md).toMatch(/\| perf \| default \| 5 \| 90\d \[\d+, \d+\] \|/);
    expect(md).toMatch(/\| perf \| default \| 5 \| .* \| 11\.\d %/); // throughput overhead of perf
    expect(md).toContain('3 more failed-run and');
    const errors = stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(ANNOTATION_CAP);
    expect(errors[0]).toContain('file=experiments/configs/experiments/overhead.yaml,line=12');
    const outputs = readFileSync(path.join(dir, 'output'), 'utf8');
    for (const name of ['summary-path', 'runs-total', 'runs-failed', 'verdict']) expect(outputs).toContain(name);
    expect(outputs).toMatch(/runs-failed<<[^\n]+\n13\n/);
  });

  it('keeps the job summary under the 1 MiB step limit', async () => {
    await new GithubActionsReporter(dir, { stepSummary: path.join(dir, 'summary.md'), output: path.join(dir, 'output') }).onSuiteEnd(report(0, 12_000));
    const size = Buffer.byteLength(readFileSync(path.join(dir, 'summary.md')));
    expect(size).toBeLessThan(1024 * 1024);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('summary truncated to stay under the GitHub step summary limit');
  });

  it('truncates on whole lines', () => {
    const out = truncateToBytes('a'.repeat(100) + '\n' + 'b'.repeat(100) + '\n' + 'c'.repeat(100), 400);
    expect(out.startsWith('a'.repeat(100) + '\n' + 'b'.repeat(100))).toBe(true);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(400);
  });
});
