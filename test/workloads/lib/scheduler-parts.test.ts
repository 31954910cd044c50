// The scheduler's allocation-free parts and its precise waits: in-flight table, FIFO, pacer, alarm.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Alarm } from '../../../experiments/workloads/lib/alarm.ts';
import { LatenessTracker } from '../../../experiments/workloads/lib/lateness-tracker.ts';
import { InflightTable } from '../../../experiments/workloads/lib/inflight-table.ts';
import { NumberQueue } from '../../../experiments/workloads/lib/number-queue.ts';
import { Pacer } from '../../../experiments/workloads/lib/pacer.ts';

// Wait until `cond` holds (a loaded machine may run the alarm thread late; 10 s at most).
async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

describe('InflightTable', () => {
  it('returns each intended time once, and grows rather than overwrite a pending request', () => {
    const t = new InflightTable(16);
    for (let seq = 0; seq < 100; seq++) t.add(seq, seq * 0.5); // 100 pending > 16 slots
    expect(t.count).toBe(100);
    expect(t.take(37)).toBe(18.5);
    expect(t.take(37)).toBeNaN();
    expect(t.take(1000)).toBeNaN();
    for (let seq = 0; seq < 100; seq++) if (seq !== 37) expect(t.take(seq)).toBe(seq * 0.5);
    expect(t.count).toBe(0);
  });
});

describe('NumberQueue', () => {
  it('is a FIFO across wrap-around and growth', () => {
    const q = new NumberQueue(2);
    const out: number[] = [];
    for (let i = 0; i < 10; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift()!);
    }
    expect(q.peek()).toBe(4);
    q.drain((v) => out.push(v));
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.shift()).toBeUndefined();
  });
});

describe('Pacer', () => {
  it('never returns before the target', () => {
    const p = new Pacer(0.2);
    for (let i = 0; i < 50; i++) {
      const target = performance.now() + 0.3 + (i % 5) * 0.2;
      p.waitUntil(target);
      expect(performance.now()).toBeGreaterThanOrEqual(target);
    }
  });

  it('reads the clock sparingly while it spins (in Node 20 a clock read can allocate: a spin that read it on every turn made most of the generator’s garbage)', () => {
    let reads = 0;
    const p = new Pacer(5, () => (reads++, performance.now())); // the margin starts at 0.1 ms: a shorter wait is all spin
    const start = performance.now();
    for (let i = 0; i < 200; i++) p.waitUntil(performance.now() + 0.09);
    const spunUs = (performance.now() - start) * 1000;
    // Reading on every turn is tens of reads per µs; polling between reads, one per few µs (plus the last µs).
    expect(reads, `${reads} clock reads in ${spunUs.toFixed(0)} µs of spinning`).toBeLessThan(spunUs / 2);
  });
});

describe('LatenessTracker (the pacer\'s and the alarm\'s wake-up margin)', () => {
  it('follows the 90th percentile of recent lateness, within its floor and cap, recomputed every 64 samples', () => {
    const t = new LatenessTracker(0.1, 2, 0.01);
    for (let i = 0; i < 63; i++) t.observe(5);
    expect(t.estimateMs).toBe(0.1); // not recomputed yet
    t.observe(5);
    expect(t.estimateMs).toBe(2); // late wake-ups raise it, up to the cap, not to 5 ms
    for (let i = 0; i < 256; i++) t.observe(i % 10 === 0 ? 3 : 0.5); // 10 % late: p90 is the common case
    expect(t.estimateMs).toBeCloseTo(0.505, 6);
    for (let i = 0; i < 256; i++) t.observe(-1); // early wake-ups count as on time
    expect(t.estimateMs).toBe(0.01);
  });
});

describe('Alarm', () => {
  it('rings once, not before its time; a re-armed or cancelled alarm does not ring for the old time', async () => {
    const rings: number[] = [];
    const alarm = new Alarm();
    alarm.onRing = () => rings.push(performance.now());
    try {
      await alarm.ready;
      const at = performance.now() + 5;
      alarm.set(at);
      await until(() => rings.length > 0);
      await new Promise((r) => setTimeout(r, 20));
      expect(rings).toHaveLength(1);
      expect(rings[0]).toBeGreaterThanOrEqual(at);

      alarm.set(performance.now() + 5);
      alarm.cancel();
      const later = performance.now() + 20;
      alarm.set(performance.now() + 2);
      alarm.set(later); // replaces the 2 ms setting
      await until(() => rings.length > 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(rings).toHaveLength(2);
      expect(rings[1]).toBeGreaterThanOrEqual(later);
    } finally {
      await alarm.close();
    }
  });
});
