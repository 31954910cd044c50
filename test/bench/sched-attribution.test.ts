// The send-lag attribution behind bench/send-lag-causes.ts: a per-send trace beside `perf sched timehist`
// lines, each late send put down to what the generator's main thread did between its intended time and
// its departure. Synthetic lines in perf's exact format (the bench step runs the real thing).
import { describe, expect, it } from 'vitest';
import { attributeLateSends, parseSendTrace, parseTimehist, summarize, type Cause } from '../../bench/sched-attribution.ts';

// perf sched timehist -w: time, [cpu], task[tid/pid], wait, sch delay, run (ms); wake-up lines interleaved.
const TIMEHIST = `
           time    cpu  task name                       wait time  sch delay   run time
                        [tid/pid]                          (msec)     (msec)     (msec)
--------------- ------  ------------------------------  ---------  ---------  ---------
       1.000000 [0000]  perf[400]                           0.000      0.000      0.000
       1.000500 [0000]  <idle>                              0.000      0.000      0.500
       1.010000 [0001]  swapper                                                          awakened: node[100]
       1.010100 [0000]  node[100]                           2.500      0.000      0.100
       1.020000 [0001]  stress[200]                         0.000      0.000      1.500
       1.020050 [0000]  node[100]                           0.500      1.200      0.050
       1.030010 [0000]  node[100]                           0.000      0.000      2.000
       1.040010 [0000]  node[100]                           0.000      0.000      1.510
       1.050000 [0001]  node[101/100]                       3.000      0.000      0.900
       1.050050 [0000]  node[100]                           2.000      0.000      0.050
       1.060000 [0001]  memfd:sealed-91[300]                0.100      0.000      0.020
`;

const TRACE = [
  JSON.stringify({ format: 'send-trace/1', pid: 100, rate: 2000, send_mode: 'sleep', measure_start_mono_ms: 1000, sends: 7, dropped: 0, helper_threads: [101], run_threads: [102] }),
  '{"at_ms":10,"lag_us":2000,"via":"pacer","inflight":0}',
  '{"at_ms":20,"lag_us":1000,"via":"pacer","inflight":0}',
  '{"at_ms":30,"lag_us":1500,"via":"immediate","inflight":1}',
  '{"at_ms":40,"lag_us":1000,"via":"alarm","inflight":2}',
  '{"at_ms":50,"lag_us":1000,"via":"immediate","inflight":0}',
  '{"at_ms":55,"lag_us":100,"via":"pacer","inflight":0}',
  '{"at_ms":500,"lag_us":900,"via":"timer","inflight":0}',
  '{"gc_at_ms":28.4,"gc_ms":1.5,"gc_kind":"scavenge"}',
].join('\n');

describe('send-lag attribution', () => {
  it('parses perf sched timehist switch rows, with thread and process ids, skipping headers, idle time and wake-up lines', () => {
    const rows = parseTimehist(TIMEHIST);
    expect(rows).toHaveLength(9);
    expect(rows[1]).toEqual({ atMs: 1010.1, cpu: 0, comm: 'node', tid: 100, pid: 100, waitMs: 2.5, schDelayMs: 0, runMs: 0.1 });
    expect(rows.find((r) => r.tid === 101)).toMatchObject({ pid: 100, runMs: 0.9 });
    expect(rows.at(-1)).toMatchObject({ comm: 'memfd:sealed-91', tid: 300, pid: 300 });
  });

  it('puts each late send down to sleeping, waiting for a CPU (behind whom), a GC or JavaScript', () => {
    const trace = parseSendTrace(TRACE);
    const late = attributeLateSends(trace, parseTimehist(TIMEHIST), 500);
    const by = (at: number): { cause: Cause; others: string[] } => {
      const l = late.find((x) => x.send.at_ms === at)!;
      return { cause: l.cause, others: [...l.others.keys()] };
    };
    expect(late.map((l) => l.send.at_ms)).toEqual([10, 20, 30, 40, 50, 500]); // 55: 100 µs, not late
    expect(by(10)).toEqual({ cause: 'asleep, nothing else ran', others: [] });
    expect(by(20)).toEqual({ cause: 'waiting for a CPU', others: ['stress (pid 200)'] });
    expect(by(30).cause).toBe('running: GC');
    expect(by(40).cause).toBe('running: JS or host');
    expect(by(50)).toEqual({ cause: 'asleep, others ran', others: ['generator: V8/Node helper threads'] });
    expect(by(500).cause).toBe('no scheduler data'); // after the last switch recorded
    const ten = late.find((l) => l.send.at_ms === 10)!;
    expect(ten.asleepMs).toBeCloseTo(2, 6);
    const twenty = late.find((l) => l.send.at_ms === 20)!;
    expect(twenty.runnableMs).toBeCloseTo(1, 6);
    expect(twenty.others.get('stress (pid 200)')).toBeCloseTo(1, 6);
  });

  it('names processes it was told about, and sums causes with their share of all sends', () => {
    const trace = parseSendTrace(TRACE);
    const late = attributeLateSends(trace, parseTimehist(TIMEHIST), 500, new Map([[200, 'the neighbour']]));
    const lines = summarize(late, 20);
    expect(lines.find((l) => l.includes('waiting for a CPU'))).toMatch(/1 sends \(5\.00 % of all\), lag 1\.0 ms in all; wait path: pacer 1; ran meanwhile: the neighbour \(pid 200\) 1\.0 ms/);
    expect(lines.filter((l) => /sends \(/.test(l))).toHaveLength(6);
  });

  it('refuses a file that is not a send trace, saying what it found', () => {
    expect(() => parseSendTrace('{"schema":"harness.generator-metrics/v1"}\n')).toThrow(/not a send trace \(send-trace\/1\): first line/);
  });
});
