import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GENERATOR_METRICS_SCHEMA,
  buildGeneratorMetrics,
  formatSummaryLine,
  writeGeneratorMetrics,
  type GeneratorMetrics,
} from '../../../experiments/workloads/lib/metrics.ts';
import { LatencyRecorder } from '../../../experiments/workloads/lib/latency-recorder.ts';
import type { OpenLoopResult } from '../../../experiments/workloads/lib/open-loop.ts';

function result(over: Partial<OpenLoopResult> = {}): OpenLoopResult {
  const latency = new LatencyRecorder();
  for (let i = 1; i <= 1000; i++) latency.record(i * 10);
  const sendLag = new LatencyRecorder();
  sendLag.record(5);
  return {
    latency, sendLag, offeredRps: 500, sent: 1000, completed: 1000, errors: 0, timeouts: 0, unsent: 0, warmupSent: 250,
    achievedRps: 499.96, achievedSendRps: 500, maxBacklog: 3, startedAtMs: 1_700_000_000_000, endedAtMs: 1_700_000_002_500, ...over,
  };
}

const CTX = { workload: 'kv', generator: 'kv-open-loop', arrival: 'poisson' as const, connections: 4, durationS: 2, warmupS: 0.5, seed: 1, target: '127.0.0.1:1' };

describe('generator metrics', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('has the documented shape, with a decodable histogram and CDF points', () => {
    const m = buildGeneratorMetrics(CTX, result());
    expect(m).toMatchObject({
      schema: GENERATOR_METRICS_SCHEMA, workload: 'kv', generator: 'kv-open-loop', arrival: 'poisson', connections: 4,
      duration_s: 2, warmup_s: 0.5, offered_rps: 500, achieved_rps: 500, sent: 1000, completed: 1000, errors: 0, timeouts: 0,
      saturated: false, notes: [],
    });
    expect(Object.keys(m.latency_us)).toEqual(['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']);
    expect(m.latency_us.p50).toBeCloseTo(5000, -1);
    expect(m.latency_us.max).toBeCloseTo(10_000, -1);
    expect(m.histogram.encoding).toBe('hdr-base64');
    expect(decodeFromCompressedBase64(m.histogram.data).totalCount).toBe(1000);
    expect(m.histogram.percentiles.length).toBeGreaterThanOrEqual(24);
    expect(m.histogram.percentiles.find((p) => p.percentile === 99)?.value_us).toBe(m.latency_us.p99);
    expect(formatSummaryLine(m)).toMatch(/offered 500 req\/s, achieved 500 req\/s.*saturated no/);
  });

  it('says honestly when the generator fell behind, and when the server did', () => {
    const behind = buildGeneratorMetrics(CTX, result({ maxBacklog: 400, achievedSendRps: 450 }));
    expect(behind.saturated).toBe(true);
    expect(behind.notes.join('\n')).toMatch(/below 99% of the offered 500/);
    expect(behind.notes.join('\n')).toMatch(/send backlog reached 400/);
    const slowServer = buildGeneratorMetrics(CTX, result({ achievedRps: 300, timeouts: 7 }));
    expect(slowServer.saturated).toBe(false);
    expect(slowServer.notes.join('\n')).toMatch(/responses lagged.*achieved 300/);
    expect(slowServer.notes.join('\n')).toMatch(/7 requests got no response/);
  });

  it('writes atomically into a new folder, leaving no temp file', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kv-metrics-'));
    const file = path.join(dir, 'metrics', 'kv-gen.json');
    writeGeneratorMetrics(file, buildGeneratorMetrics(CTX, result()));
    expect((JSON.parse(readFileSync(file, 'utf8')) as GeneratorMetrics).schema).toBe(GENERATOR_METRICS_SCHEMA);
    expect(readdirSync(path.dirname(file))).toEqual(['kv-gen.json']);
  });
});
