// `--trace-sends`: the kv generator, a real process against the kv server, writes one line per measured
// send (time, lag, wait path, requests in flight) and the window's GCs; a bad path fails before the run.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GeneratorMetrics } from '../../../experiments/workloads/lib/metrics.ts';
import { SEND_PATHS } from '../../../experiments/workloads/lib/send-trace.ts';
import { parseSendTrace } from '../../../bench/sched-attribution.ts';
import { KV_GENERATOR, ProcessList, WorkloadProcess, startKvServer } from '../helpers/workload-process.ts';

const procs = new ProcessList();
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'send-trace-'));
});

afterEach(async () => {
  await procs.stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe('kv generator --trace-sends', () => {
  it('writes every measured send with its lag and wait path, and the GCs of the window', async () => {
    const { port } = await startKvServer(procs);
    const metricsFile = path.join(tmp, 'm.json');
    const traceFile = path.join(tmp, 'trace', 'sends.jsonl');
    // Started as the catalog starts generators: GC on the main thread alone, recorded in the metrics.
    const gen = procs.add(new WorkloadProcess(KV_GENERATOR, ['--port', String(port), '--metrics-file', metricsFile, '--rate', '1000', '--duration-s', '1', '--warmup-s', '0.3', '--trace-sends', traceFile], ['--single-threaded-gc']));
    expect(await gen.wait(30_000), gen.stderr).toEqual({ code: 0, signal: null });
    const m = JSON.parse(readFileSync(metricsFile, 'utf8')) as GeneratorMetrics;
    expect(m.schedule.gc).toBe('single-threaded');
    const text = readFileSync(traceFile, 'utf8');
    const header = JSON.parse(text.split('\n')[0]!) as { sends: number; dropped: number; send_mode: string; rate: number; run_threads: number[]; helper_threads: number[] };
    expect(header).toMatchObject({ sends: m.sent, dropped: 0, send_mode: 'sleep', rate: 1000 });
    expect(header.run_threads.length).toBeGreaterThanOrEqual(1); // the alarm thread
    const trace = parseSendTrace(text);
    expect(trace.sends).toHaveLength(m.sent); // measured sends only, no warm-up
    for (const s of trace.sends) expect(SEND_PATHS).toContain(s.via);
    const at = trace.sends.map((s) => s.at_ms);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at[0]!).toBeGreaterThanOrEqual(0);
    expect(at.at(-1)!).toBeLessThan(1000 + 1000); // within the window and its send grace
    // The trace's largest lag is the one the metrics' histogram recorded (to its precision).
    const maxLag = Math.max(...trace.sends.map((s) => s.lag_us));
    expect(Math.abs(maxLag - m.schedule.send_lag_us.max)).toBeLessThanOrEqual(Math.max(2, 0.01 * maxLag));
    for (const g of trace.gcs) expect(g.gc_ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses a FIFO, a device or a symlink at the trace path before connecting, without blocking or following it', async () => {
    const fifo = path.join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const target = path.join(tmp, 'precious');
    writeFileSync(target, 'keep');
    const link = path.join(tmp, 'link');
    symlinkSync(target, link);
    // Port 9 on loopback: nothing is sent, the flags fail first.
    for (const [file, why] of [[fifo, /cannot open it for writing \(ENXIO\)/], ['/dev/null', /not a regular file/], [link, /cannot open it for writing \(ELOOP\)/]] as const) {
      const gen = procs.add(new WorkloadProcess(KV_GENERATOR, ['--host', '127.0.0.1', '--port', '9', '--metrics-file', path.join(tmp, 'm.json'), '--rate', '10', '--trace-sends', file]));
      expect(await gen.wait(30_000)).toEqual({ code: 1, signal: null });
      expect(gen.stderr).toContain(`--trace-sends ${file}: `);
      expect(gen.stderr).toMatch(why);
      expect(gen.stderr).toMatch(/give the path of a new or regular file/);
      expect(gen.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });
});
