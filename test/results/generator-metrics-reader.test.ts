// The generator-metrics format: the project's generators' output passes the strict schema, a
// misspelled or mistyped key is an error naming the file and key path, and `harness schema` publishes it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGeneratorMetrics } from '../../experiments/workloads/lib/metrics.ts';
import { LatencyRecorder } from '../../experiments/workloads/lib/latency-recorder.ts';
import { TimelineRecorder } from '../../experiments/workloads/lib/timeline.ts';
import { MetricsFormatError, readGeneratorMetrics, readMetricsForRecord } from '../../harness/results/generator-metrics-reader.ts';
import { jsonSchemas } from '../../harness/config/json-schema.ts';
import '../../harness/results/generator-metrics-schema.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, doc: unknown): string => {
  const f = path.join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
};

function generatorDoc(): unknown {
  const latency = new LatencyRecorder();
  for (let i = 1; i <= 100; i++) latency.record(i * 10);
  const timeline = new TimelineRecorder(0, 2);
  timeline.offer(10);
  timeline.complete(20, 100);
  return buildGeneratorMetrics(
    { workload: 'kv', generator: 'kv-open-loop', arrival: 'poisson', connections: 4, durationS: 2, warmupS: 0.5, seed: 1, target: '127.0.0.1:1', reportDropped: true, timerSlackNs: 50_000, realtime: true },
    { latency, sendLag: new LatencyRecorder(), offeredRps: 500, sent: 100, completed: 100, errors: 0, timeouts: 0, unsent: 0, warmupSent: 5, achievedRps: 50, achievedSendRps: 50, maxBacklog: 1, startedAtMs: 1_700_000_000_000, endedAtMs: 1_700_000_002_000, timeline: timeline.entries() },
  );
}

describe('generator-metrics format', () => {
  it('accepts what the project’s generators write (histogram, timeline, schedule, params)', () => {
    const doc = generatorDoc() as Record<string, unknown>;
    expect(Array.isArray(doc.timeline) && doc.timeline.length).toBeGreaterThan(0);
    expect(readGeneratorMetrics(write('gen.json', doc))).toEqual(doc);
  });

  it('rejects a misspelled key with the file, key path and the key it meant', () => {
    const f = write('typo.json', { achieved_rps: 10, latency: { p99: 5 } });
    expect(() => readGeneratorMetrics(f)).toThrow(MetricsFormatError);
    expect(() => readGeneratorMetrics(f)).toThrow(`${f} is not generator-metrics JSON`);
    expect(() => readGeneratorMetrics(f)).toThrow(/latency: unknown key `latency` \(did you mean `latency_us`\?\)/);
  });

  it('rejects a mistyped value and a nested unknown key at their key paths', () => {
    const f = write('types.json', { achieved_rps: '10', latency_us: { p99: 5, p98: 3 }, timeline: [{ t_s: 0, offered: -1, achieved: 0, errors: 0, p50_us: 0, p99_us: 0 }] });
    const msg = (() => {
      try {
        readGeneratorMetrics(f);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(msg).toMatch(/achieved_rps: expected number, received string/);
    expect(msg).toMatch(/latency_us\.p98: unknown key `p98`/);
    expect(msg).toMatch(/timeline\[0\]\.offered: Too small/);
  });

  it('rejects a format version it does not read', () => {
    expect(() => readGeneratorMetrics(write('v2.json', { format_version: 2 }))).toThrow(/format_version: /);
  });

  it('records a missing or broken file for the run record instead of throwing', () => {
    expect(readMetricsForRecord(path.join(dir, 'none.json'))).toEqual({ value: null, error: expect.stringMatching(/^no metrics file written at /) });
    expect(readMetricsForRecord(write('bad.json', '{'))).toEqual({ value: null, error: expect.stringMatching(/not valid JSON/) });
  });

  it('is published as harness/schemas/generator-metrics.schema.json, strict, as `harness schema` writes it', () => {
    const schema = jsonSchemas()['generator-metrics.schema.json'] as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['format_version', 'histogram', 'timeline', 'latency_us', 'load_model', 'unavailable']));
    const committed = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'harness/schemas/generator-metrics.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});
