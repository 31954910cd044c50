// h2load (HTTP/1.1 here) against a real HTTP server on loopback: summary figures as printed, and
// percentiles from its --log-file when the command writes one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startHttpServer, type LoopbackServer } from '../../helpers/load-targets.ts';
import { convert, expectClose, printed, printedDurationUs, tempDir } from './helpers.ts';
import { readFileSync } from 'node:fs';

let server: LoopbackServer;
const tmp = tempDir();
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server.stop();
  tmp.dispose();
});

const timeForRequest = (log: string): number[] => /^time for request:\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(log)!.slice(1, 4).map(printedDurationUs);

describe('h2load adapter', () => {
  it('with --log-file: req/s, succeeded, min/mean/max as printed, percentiles from the per-request log', async () => {
    const run = await runTool(tmp.dir, 'h2load', ['h2load', '-n', '400', '-c', '4', '--h1', '--log-file=requests.tsv', `http://127.0.0.1:${server.port}/`]);
    const m = convert(run, { adapter: 'h2load' });
    expect(m.completed).toBe(printed(run, /^requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/m));
    expect(m.completed).toBe(400);
    expectClose(m.achieved_rps, printed(run, /^finished in \S+, ([\d.]+) req\/s/m), 0.01);
    const [min, max, mean] = timeForRequest(readFileSync(run.logPath, 'utf8')) as [number, number, number];
    expect(m.latency_us!.mean).toBe(mean);
    expectClose(m.latency_us!.min, min, 0.01, 1);
    expectClose(m.latency_us!.max, max, 0.01, 1);
    expect(m.histogram).not.toBeNull();
    expect(m).toMatchObject({ load_model: 'closed', offered_rps: null, connections: 4, errors: 0 });
  });

  it('without --log-file: only the printed min/mean/max, percentiles stated unavailable', async () => {
    const run = await runTool(tmp.dir, 'plain', ['h2load', '-n', '200', '-c', '2', '--h1', `http://127.0.0.1:${server.port}/`]);
    const m = convert(run, { adapter: 'h2load' });
    const [min, max, mean] = timeForRequest(readFileSync(run.logPath, 'utf8'));
    expect(m.latency_us).toEqual({ min, max, mean });
    expect(m.histogram).toBeNull();
    expect(m.unavailable).toEqual(expect.arrayContaining(['latency_us.p50', 'latency_us.p99', 'histogram']));
  });
});
