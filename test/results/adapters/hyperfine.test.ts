// hyperfine --export-json timing `redis-cli ping` against a real redis-server on loopback: the file
// named by --export-json is read; figures match hyperfine's own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startRedis, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, expectClose, tempDir } from './helpers.ts';

let redis: LoopbackServer;
const tmp = tempDir();
let run: ToolRun;
beforeAll(async () => {
  redis = await startRedis();
  run = await runTool(tmp.dir, 'hyperfine', ['hyperfine', '-N', '--runs', '12', '--export-json', 'out.json', `redis-cli -h 127.0.0.1 -p ${redis.port} ping`]);
});
afterAll(async () => {
  await redis.stop();
  tmp.dispose();
});

describe('hyperfine adapter', () => {
  it('reads the --export-json file: one run = one request; mean/min/max/median as hyperfine computed them', () => {
    const own = (JSON.parse(readFileSync(path.join(tmp.dir, 'out.json'), 'utf8')) as { results: { mean: number; min: number; max: number; median: number; times: number[] }[] }).results[0]!;
    const m = convert(run, { adapter: 'hyperfine' });
    expect(m.adapter).toEqual({ name: 'hyperfine', source: 'out.json' });
    expect(m.completed).toBe(12);
    expect(m.latency_us!.mean).toBeCloseTo(own.mean * 1e6, 0);
    // HdrHistogram, 3 significant digits.
    expectClose(m.latency_us!.min, own.min * 1e6, 0.001, 1);
    expectClose(m.latency_us!.max, own.max * 1e6, 0.001, 1);
    expectClose(m.latency_us!.p50, own.median * 1e6, 0.2); // nearest rank vs hyperfine's interpolated median of 12
    expectClose(m.achieved_rps, 12 / own.times.reduce((a, b) => a + b, 0), 0.001, 0.1);
    const stdout = readFileSync(run.logPath, 'utf8');
    const shownMeanMs = Number(/Time \(mean ± σ\):\s+([\d.]+) ms/.exec(stdout)![1]);
    expectClose(m.latency_us!.mean! / 1000, shownMeanMs, 0.01, 0.05);
    expect(m).toMatchObject({ load_model: 'closed', offered_rps: null, connections: 1, errors: 0 });
  });
});
