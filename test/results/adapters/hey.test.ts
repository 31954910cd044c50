// hey against a real HTTP server on loopback: rate, status counts and the latency distribution as printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startHttpServer, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, expectClose, printed, tempDir } from './helpers.ts';

let server: LoopbackServer;
const tmp = tempDir();
let run: ToolRun;
beforeAll(async () => {
  server = await startHttpServer();
  run = await runTool(tmp.dir, 'hey', ['hey', '-n', '300', '-c', '4', `http://127.0.0.1:${server.port}/`]);
});
afterAll(async () => {
  await server.stop();
  tmp.dispose();
});

describe('hey adapter', () => {
  it('takes Requests/sec, the [200] count and the latency distribution (s → µs) as printed', () => {
    const m = convert(run, { adapter: 'hey' });
    expect(m.completed).toBe(printed(run, /^\s+\[200\]\s+(\d+) responses/m));
    expect(m.completed).toBe(300);
    // Rounded to 0.1 by the adapter: within half a unit (plus the float error of x.x5 on the half).
    expectClose(m.achieved_rps, printed(run, /^\s+Requests\/sec:\s+([\d.]+)/m), 0, 0.05 + 1e-9);
    const us = (re: RegExp): number => printed(run, re) * 1e6;
    expect(m.latency_us!.p50).toBeCloseTo(us(/^\s+50% in ([\d.]+) secs/m), 6);
    expect(m.latency_us!.p99).toBeCloseTo(us(/^\s+99% in ([\d.]+) secs/m), 6);
    expect(m.latency_us!.max).toBeCloseTo(us(/^\s+Slowest:\s+([\d.]+) secs/m), 6);
    expect(m.latency_us!.mean).toBeCloseTo(us(/^\s+Average:\s+([\d.]+) secs/m), 6);
    expect(m.duration_s).toBe(printed(run, /^\s+Total:\s+([\d.]+) secs/m));
    expect(m).toMatchObject({ generator: 'hey', load_model: 'closed', offered_rps: null, connections: 4, errors: 0 });
  });
});
