import { describe, expect, it } from 'vitest';
import { ArrivalPlan, type Arrival, type PlannedRequest } from '../../../experiments/workloads/lib/arrivals.ts';

function drain(arrival: Arrival, seed = 1): { plan: ArrivalPlan; reqs: PlannedRequest[] } {
  const plan = new ArrivalPlan({ rate: 1000, warmupS: 0.5, durationS: 2, arrival, seed });
  const reqs: PlannedRequest[] = [];
  for (let r = plan.next(); r; r = plan.next()) reqs.push(r);
  return { plan, reqs };
}

describe('ArrivalPlan', () => {
  it.each(['constant', 'poisson'] as const)('%s: exactly rate × length requests per segment, in order, inside their segment', (arrival) => {
    const { plan, reqs } = drain(arrival);
    expect(plan.warmupCount).toBe(500);
    expect(plan.measuredCount).toBe(2000);
    expect(reqs).toHaveLength(2500);
    const warm = reqs.filter((r) => !r.measured);
    const measured = reqs.filter((r) => r.measured);
    expect(warm).toHaveLength(500);
    expect(warm.every((r) => r.offsetMs >= 0 && r.offsetMs < 500)).toBe(true);
    expect(measured.every((r) => r.offsetMs >= 500 && r.offsetMs < 2500)).toBe(true);
    for (let i = 1; i < reqs.length; i++) expect(reqs[i]!.offsetMs).toBeGreaterThanOrEqual(reqs[i - 1]!.offsetMs);
  });

  it('constant spaces requests evenly', () => {
    const { reqs } = drain('constant');
    expect(reqs[501]!.offsetMs - reqs[500]!.offsetMs).toBeCloseTo(1, 9);
  });

  it('poisson has exponential gaps (mean 1/rate, coefficient of variation ≈ 1) and is reproducible by seed', () => {
    const { reqs } = drain('poisson', 42);
    const gaps = reqs.filter((r) => r.measured).map((r, i, a) => (i === 0 ? 0 : r.offsetMs - a[i - 1]!.offsetMs)).slice(1);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd / mean).toBeGreaterThan(0.85);
    expect(sd / mean).toBeLessThan(1.15);
    expect(drain('poisson', 42).reqs).toEqual(reqs);
    expect(drain('poisson', 43).reqs).not.toEqual(reqs);
  });
});
