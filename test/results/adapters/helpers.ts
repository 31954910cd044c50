// Shared by the result adapters' tests: run a tool for real, convert its output with its adapter,
// and read the tool's own printed figures back for comparison.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { ResultsConfig } from '../../../harness/config/schema/results.ts';
import { applyResultAdapter } from '../../../harness/results/adapters/apply-adapter.ts';
import type { GeneratorMetrics } from '../../../harness/results/generator-metrics-schema.ts';
import { readGeneratorMetrics } from '../../../harness/results/generator-metrics-reader.ts';
import type { ToolRun } from '../../helpers/load-targets.ts';

export function tempDir(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'adapter-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

// The adapter's output for a finished tool run, as the load stage writes it (checked by the one reader).
export function convert(run: ToolRun, results: ResultsConfig): GeneratorMetrics {
  const metricsFile = path.join(run.cwd, 'metrics', 'client.json');
  applyResultAdapter({ name: 'client', argv: run.argv, cwd: run.cwd, logPath: run.logPath, metricsFile, results, startedAt: run.startedAt, durationMs: run.durationMs });
  return readGeneratorMetrics(metricsFile);
}

// A number the tool printed: the first group of the first match of `re` in its log.
export function printed(run: ToolRun, re: RegExp): number {
  const m = re.exec(readFileSync(run.logPath, 'utf8'));
  expect(m, `the tool printed ${re}`).not.toBeNull();
  return Number(m![1]);
}

// Parsed equals printed within `rel` (the tool rounds what it prints) or `abs`.
export function expectClose(parsed: number | null | undefined, fromTool: number, rel = 0.005, abs = 0): void {
  expect(typeof parsed).toBe('number');
  expect(Math.abs(parsed! - fromTool), `parsed ${parsed} vs printed ${fromTool}`).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(fromTool)));
}

// A µs figure from a printed `142.00us` / `2.39ms` / `1.2s`.
export function printedDurationUs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  expect(m, `a duration: ${text}`).not.toBeNull();
  return Number(m![1]) * { us: 1, ms: 1000, s: 1e6 }[m![2] as 'us' | 'ms' | 's'];
}
