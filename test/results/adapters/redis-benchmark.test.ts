// redis-benchmark --csv against a real redis-server on loopback: the adapter's figures are the CSV's.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterParseError } from '../../../harness/results/adapters/adapter.ts';
import { runTool, startRedis, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, tempDir } from './helpers.ts';

let redis: LoopbackServer;
const tmp = tempDir();
let two: ToolRun;
beforeAll(async () => {
  redis = await startRedis();
  two = await runTool(tmp.dir, 'two', ['redis-benchmark', '-h', '127.0.0.1', '-p', String(redis.port), '-n', '3000', '-c', '4', '-t', 'set,get', '--csv']);
});
afterAll(async () => {
  await redis.stop();
  tmp.dispose();
});

// The CSV row the tool printed for `test`, as numbers.
function csvRow(run: ToolRun, test: string): number[] {
  const line = readFileSync(run.logPath, 'utf8').split('\n').find((l) => l.startsWith(`"${test}",`));
  expect(line).toBeDefined();
  return line!.split(',').slice(1).map((c) => Number(c.replace(/"/g, '')));
}

describe('redis-benchmark adapter', () => {
  it('takes rps and latency (ms → µs) from the CSV row of the named test; closed loop, no offered rate', () => {
    for (const test of ['GET', 'SET']) {
      const m = convert(two, { adapter: 'redis-benchmark', test });
      const [rps, avg, min, p50, p95, p99, max] = csvRow(two, test) as [number, number, number, number, number, number, number];
      expect(m.achieved_rps).toBe(rps);
      const us = (ms: number): number => Math.round(ms * 10_000) / 10; // the adapter rounds µs to 0.1
      expect(m.latency_us).toEqual({ mean: us(avg), min: us(min), p50: us(p50), p95: us(p95), p99: us(p99), max: us(max) });
      expect(m).toMatchObject({ generator: 'redis-benchmark', load_model: 'closed', offered_rps: null, completed: 3000, connections: 4, histogram: null, timeline: null, format_version: 1, adapter: { name: 'redis-benchmark', source: 'two.log' } });
      expect(m.unavailable).toEqual(expect.arrayContaining(['offered_rps', 'errors', 'histogram', 'timeline']));
      expect(m.duration_s).toBeCloseTo(3000 / rps, 5);
    }
  });

  it('refuses to pick one of several tests on its own, naming them and the line', () => {
    expect(() => convert(two, { adapter: 'redis-benchmark' })).toThrow(AdapterParseError);
    expect(() => convert(two, { adapter: 'redis-benchmark' })).toThrow(new RegExp(`^${two.logPath}:1: expected one test row, or results.test naming one; the CSV has SET, GET`));
  });

  it('fails on output without the CSV (run without --csv), naming the file, the line and what it expected', async () => {
    const plain = await runTool(tmp.dir, 'plain', ['redis-benchmark', '-h', '127.0.0.1', '-p', String(redis.port), '-n', '500', '-c', '2', '-t', 'get', '-q']);
    const lines = readFileSync(plain.logPath, 'utf8').split('\n').length;
    expect(() => convert(plain, { adapter: 'redis-benchmark' })).toThrow(new RegExp(`^${plain.logPath}:${lines}: expected redis-benchmark's CSV header .* \\(run it with --csv\\); no such line before the end of the output \\(last line: .*requests per second`));
  });

  it('names the line of a row whose numbers do not parse', () => {
    const file = path.join(tmp.dir, 'broken.log');
    writeFileSync(file, '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n"GET","fast","0.1","0.1","0.1","0.1","0.1","0.1"\n');
    expect(() => convert({ ...two, logPath: file }, { adapter: 'redis-benchmark' })).toThrow(`${file}:2: expected rps as a number; found "fast"`);
  });
});
