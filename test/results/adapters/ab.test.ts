// ab against a real HTTP server on loopback: rate, counts and the percentile table as printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startHttpServer, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, printed, tempDir } from './helpers.ts';

let server: LoopbackServer;
const tmp = tempDir();
let run: ToolRun;
beforeAll(async () => {
  server = await startHttpServer();
  run = await runTool(tmp.dir, 'ab', ['ab', '-n', '500', '-c', '4', `http://127.0.0.1:${server.port}/`]);
});
afterAll(async () => {
  await server.stop();
  tmp.dispose();
});

describe('ab adapter', () => {
  it('takes Requests per second, complete requests and the ms percentile table (→ µs) as printed', () => {
    const m = convert(run, { adapter: 'ab' });
    expect(m.achieved_rps).toBe(printed(run, /^Requests per second:\s+([\d.]+)/m));
    expect(m.completed).toBe(printed(run, /^Complete requests:\s+(\d+)/m));
    expect(m.errors).toBe(printed(run, /^Failed requests:\s+(\d+)/m));
    expect(m.duration_s).toBe(printed(run, /^Time taken for tests:\s+([\d.]+)/m));
    const row = (p: string): number => printed(run, new RegExp(`^\\s+${p}%\\s+(\\d+)`, 'm')) * 1000;
    expect(m.latency_us).toEqual({ mean: printed(run, /^Time per request:\s+([\d.]+) \[ms\] \(mean\)$/m) * 1000, p50: row('50'), p90: row('90'), p95: row('95'), p99: row('99'), max: row('100') });
    expect(m).toMatchObject({ generator: 'ab', load_model: 'closed', offered_rps: null, connections: 4, histogram: null });
  });
});
