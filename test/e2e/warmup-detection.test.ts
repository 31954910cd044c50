// Warm-up by detection: a kv server with a deliberately slow start (kv --slow-start-s: every command
// costs 1.5 ms more CPU for 3 s after the first) is found in the generator's steadiness series. A
// warm-up too short for it leaves the transient in the measurement window and the run is invalid and
// says how much longer the warm-up must be; one long enough puts the steady start before the window.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { TempProject } from '../helpers/temp-project.ts';
import { runShippedConfig } from '../workloads/helpers/workload-config-run.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject('warmup-detection-');
});
afterEach(() => project.dispose());

// The one run_result.json under the project's artifacts (the run failed, so no result was returned).
function readRunResult(root: string): RunResult {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.startsWith('experiments/artifacts/') && path.basename(f) === 'run_result.json');
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(path.join(root, files[0]!), 'utf8')) as RunResult;
}

const slowStart = (yaml: string): string => yaml.replace('--seed {{run.repetition}}\n', '--seed {{run.repetition}} --slow-start-s 3 --slow-start-us 1500\n');
const settings = (warmupS: number, durationS = 4): string => `        settings: { rate: 500, duration_s: ${durationS}, warmup_s: ${warmupS}, keys: 200, calibrate_s: 0.2 }\n`;

it('a slow start that reaches into the measurement window makes the run invalid, and says by how much to lengthen the warm-up', async () => {
  // The run fails (invalid): its run_result.json says why. A 6 s window leaves ~3.5 s of steady
  // service after the transient for the detector to see.
  const err = await runShippedConfig(project, 'kv', [6390], settings(0.2, 6), slowStart).then(() => null, (e: Error) => e);
  const result = readRunResult(project.root);
  const steady = result.latency!.steady_state!;
  const series = (JSON.parse(readFileSync(path.join(result.artifact_dir, 'metrics/kv-gen.json'), 'utf8')) as { steadiness: unknown }).steadiness;
  expect(steady.transient_in_window, JSON.stringify({ steady, series })).toBe(true);
  expect(result.status).toBe('failed');
  expect(result.error!.kind).toBe('invalid');
  if (steady.steady_from_s === null) {
    // A busy host can keep the p50 moving after the transient too: then the run is invalid as never
    // steady — still a disturbance, still not a number anyone publishes.
    expect(err?.message).toMatch(/not a valid measurement: never reached steady state: the latency p50 kept moving after the warm-up/);
    expect(result.key_metrics.never_steady).toBe(1);
    return;
  }
  expect(err?.message).toMatch(/not a valid measurement: not in steady state until [\d.]+ s into the measurement window/);
  expect(steady.steady_from_s).toBeGreaterThan(0);
  expect(result.error!.message).toMatch(/not in steady state until [\d.]+ s into the measurement window: raise warmup_s by at least [\d.]+ s/);
  expect(result.key_metrics.unsteady_s).toBe(steady.steady_from_s);
}, 120_000);

it('a warm-up long enough for the slow start: steady before the window starts, the run passes', async () => {
  const { result } = await runShippedConfig(project, 'kv', [6390], settings(4.5), slowStart);
  const steady = result.latency!.steady_state!;
  expect(steady.transient_in_window, JSON.stringify(steady)).toBe(false);
  // The slow part (3 s from the first command: preload, calibration, then the warm-up) was found, and ends before the window.
  expect(steady.steady_from_s!).toBeLessThanOrEqual(0);
  expect(steady.steady_from_s!).toBeGreaterThan(-4.5);
  expect(result.status, result.error?.message).toBe('passed');
}, 120_000);
