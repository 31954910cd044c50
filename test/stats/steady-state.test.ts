import { describe, expect, it } from 'vitest';
import { detectSteadyState, type SeriesPoint } from '../../harness/stats/steady-state.ts';

// 4 points a second from `startS`; `f(t)` gives the value, plus seeded ±10 % jitter.
function series(startS: number, endS: number, f: (t: number) => number): SeriesPoint[] {
  let seed = 7;
  const jitter = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
  const out: SeriesPoint[] = [];
  for (let t = startS; t < endS - 1e-9; t += 0.25) out.push({ t_s: Number(t.toFixed(2)), value: f(t) * (1 + jitter()) });
  return out;
}

describe('detectSteadyState', () => {
  it('finds a slow start that ends inside the warm-up: steady, from before the window', () => {
    const s = detectSteadyState(series(-2, 4, (t) => (t < -1 ? 2000 : 200)));
    expect(s.transient_in_window).toBe(false);
    expect(s.reason).toBeNull();
    expect(s.steady_from_s!).toBeCloseTo(-1, 0);
  });

  it('finds a slow start that reaches into the window, and says by how much to lengthen the warm-up', () => {
    const s = detectSteadyState(series(-0.5, 4, (t) => (t < 1.5 ? 2000 : 200)));
    expect(s.transient_in_window).toBe(true);
    expect(s.steady_from_s).toBe(1.5);
    expect(s.reason).toMatch(/^not in steady state until 1\.50 s into the measurement window: the latency p50 was \d+ µs before, \d+ µs after \(raise warmup_s by at least 1\.5 s\)$/);
  });

  it('leaves a flat but noisy run, and a lone spike, steady', () => {
    expect(detectSteadyState(series(-1, 4, () => 300)).transient_in_window).toBe(false);
    const spiky = series(-1, 4, () => 300);
    spiky[5]!.value = 30_000;
    expect(detectSteadyState(spiky).transient_in_window).toBe(false);
  });

  it('says a run whose latency keeps climbing never reached steady state', () => {
    const s = detectSteadyState(series(-1, 6, (t) => 100 * 2 ** t));
    expect(s.steady_from_s).toBeNull();
    expect(s.reason).toMatch(/^never reached steady state: the latency p50 still moved from \d+ to \d+ µs/);
  });
});
