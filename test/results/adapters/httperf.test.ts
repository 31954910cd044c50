// httperf --rate (open loop) against a real HTTP server on loopback: offered rate from the command,
// the rest from httperf's printed report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startHttpServer, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, expectClose, printed, tempDir } from './helpers.ts';

let server: LoopbackServer;
const tmp = tempDir();
let run: ToolRun;
const httperf = (port: number, ...extra: string[]): string[] => ['httperf', '--server', '127.0.0.1', '--port', String(port), '--uri', '/', '--num-conns', '200', '--timeout', '2', ...extra];
beforeAll(async () => {
  server = await startHttpServer();
  run = await runTool(tmp.dir, 'httperf', httperf(server.port, '--rate', '200', '--num-calls', '1'));
});
afterAll(async () => {
  await server.stop();
  tmp.dispose();
});

describe('httperf adapter', () => {
  it('is open loop at --rate × --num-calls; replies, duration and times are httperf’s printed ones', () => {
    const m = convert(run, { adapter: 'httperf' });
    const replies2xx = printed(run, /^Reply status: 1xx=\d+ 2xx=(\d+)/m);
    const seconds = printed(run, /test-duration ([\d.]+) s/);
    expect(m).toMatchObject({ generator: 'httperf', load_model: 'open', arrival: 'constant', offered_rps: 200, completed: replies2xx, sent: printed(run, /^Total: connections \d+ requests (\d+)/m), errors: 0, timeouts: 0, duration_s: seconds, saturated: false });
    expectClose(m.achieved_rps, replies2xx / seconds, 0.001, 0.05);
    expect(m.latency_us!.p50).toBeCloseTo(printed(run, /^Connection time \[ms\]: min [\d.]+ avg [\d.]+ max [\d.]+ median ([\d.]+)/m) * 1000, 5);
    expect(m.latency_us!.max).toBeCloseTo(printed(run, /^Connection time \[ms\]: min [\d.]+ avg [\d.]+ max ([\d.]+)/m) * 1000, 5);
    expect(m.latency_us!.mean).toBeCloseTo((printed(run, /^Reply time \[ms\]: response ([\d.]+)/m) + printed(run, /^Reply time \[ms\]: response [\d.]+ transfer ([\d.]+)/m)) * 1000, 5);
    expect(m.schedule?.achieved_send_rps).toBe(printed(run, /^Request rate: ([\d.]+) req\/s/m));
    expect(m.unavailable).toEqual(expect.arrayContaining(['latency_us.p99', 'histogram', 'timeline']));
  });

  it('refuses an httperf command without --rate: it would not be open loop', async () => {
    const closed = await runTool(tmp.dir, 'closed', httperf(server.port));
    expect(() => convert(closed, { adapter: 'httperf' })).toThrow(/:\d+: expected an httperf command with --rate R \(open loop\); the command has no --rate/);
  });
});
