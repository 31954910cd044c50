// wrk against a real HTTP server on loopback, with the harness's done() hook (absolute path) and
// with a script of the user's own (relative path) that loads it: the figures are wrk's printed ones.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRK_REPORT_SCRIPT } from '../../../harness/plan/render-run.ts';
import { runTool, startHttpServer, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, expectClose, printed, printedDurationUs, tempDir } from './helpers.ts';

let server: LoopbackServer;
const tmp = tempDir();
let run: ToolRun;
beforeAll(async () => {
  server = await startHttpServer();
  run = await runTool(tmp.dir, 'wrk', ['wrk', '-t1', '-c2', '-d1s', '--latency', `http://127.0.0.1:${server.port}/`, '--script', WRK_REPORT_SCRIPT]);
});
afterAll(async () => {
  await server.stop();
  tmp.dispose();
});

describe('wrk adapter', () => {
  it('takes requests, Requests/sec and the latency distribution from the done() hook; they match what wrk printed', () => {
    expect(path.isAbsolute(WRK_REPORT_SCRIPT)).toBe(true);
    const m = convert(run, { adapter: 'wrk' });
    expect(m.completed).toBe(printed(run, /^\s+(\d+) requests in /m));
    expectClose(m.achieved_rps, printed(run, /^Requests\/sec:\s+([\d.]+)/m), 0.001);
    const log = readFileSync(run.logPath, 'utf8');
    for (const [pct, key] of [['50', 'p50'], ['90', 'p90'], ['99', 'p99']] as const) {
      const shown = new RegExp(`^\\s+${pct}%\\s+(\\S+)`, 'm').exec(log)![1]!;
      // wrk prints 3 significant digits; the histogram keeps 3 significant digits too.
      expectClose(m.latency_us![key], printedDurationUs(shown), 0.01, 2);
    }
    expect(m).toMatchObject({ generator: 'wrk', load_model: 'closed', offered_rps: null, connections: 2, errors: 0, timeouts: 0, timeline: null });
    expect(m.histogram?.encoding).toBe('hdr-base64');
    expect(m.unavailable).toEqual(['offered_rps', 'timeline']);
  });

  it('works with a script of the user’s own, given by a relative path, that loads the report last', async () => {
    writeFileSync(path.join(tmp.dir, 'mine.lua'), 'wrk.method = "GET"\ndofile(os.getenv("HARNESS_WRK_REPORT"))\n');
    const own = await runTool(tmp.dir, 'own', ['env', `HARNESS_WRK_REPORT=${WRK_REPORT_SCRIPT}`, 'wrk', '-t1', '-c1', '-d1s', '-s', 'mine.lua', `http://127.0.0.1:${server.port}/`]);
    const m = convert(own, { adapter: 'wrk' });
    expect(m.completed).toBe(printed(own, /^\s+(\d+) requests in /m));
    expect(m.connections).toBe(1);
  });

  it('fails a wrk run without the hook, naming the file, the line and the fix', async () => {
    const bare = await runTool(tmp.dir, 'bare', ['wrk', '-t1', '-c1', '-d1s', `http://127.0.0.1:${server.port}/`]);
    expect(() => convert(bare, { adapter: 'wrk' })).toThrow(new RegExp(`^${bare.logPath}:\\d+: expected the line \`HARNESS_WRK_REPORT \\{…\\}\` .*dofile\\(os.getenv\\("HARNESS_WRK_REPORT"\\)\\).*last line: "Transfer/sec`));
  });
});
