import { describe, expect, it } from 'vitest';
import { keyMetricsFrom } from '../../harness/results/key-metrics.ts';
import { unmetExpectations, validityFindings, validityProblems, type ValidityRules } from '../../harness/results/validity.ts';

const RULES: ValidityRules = { require_throughput: true, max_error_ratio: 0.01, min_achieved_ratio: 0.9, reject_saturated: true, disturbed_retries: 1 };
const good = { throughput_rps: 1000, offered_rps: 1000, completed: 10_000, errors: 0, timeouts: 0, saturated: 0 };

describe('validityProblems', () => {
  it('accepts a clean run and a run without clients', () => {
    expect(validityProblems(good, RULES, true)).toEqual([]);
    expect(validityProblems({}, RULES, false)).toEqual([]);
  });

  it('rejects a run without throughput, and only says that', () => {
    expect(validityProblems({}, RULES, true)).toEqual([expect.stringMatching(/^no throughput/)]);
    expect(validityProblems({ ...good, throughput_rps: 0, completed: 0 }, RULES, true)).toHaveLength(1);
    expect(validityProblems({}, { ...RULES, require_throughput: false }, true)).toEqual([]);
  });

  it('rejects errors and timeouts above the allowed share, counted over all requests', () => {
    expect(validityProblems({ ...good, errors: 60, timeouts: 41 }, RULES, true)).toEqual([]); // 101 of 10101: just under 1 %
    expect(validityProblems({ ...good, errors: 60, timeouts: 42 }, RULES, true)).toEqual(['errors and timeouts are 1.010 % of requests (102 of 10102; allowed 1 %)']);
    expect(validityProblems({ ...good, errors: 200 }, RULES, true)[0]).toBe('errors and timeouts are 1.961 % of requests (200 of 10200; allowed 1 %)');
    expect(validityProblems({ ...good, errors: 200 }, { ...RULES, max_error_ratio: 0.05 }, true)).toEqual([]);
  });

  it('rejects an achieved rate well below the offered one', () => {
    expect(validityProblems({ ...good, throughput_rps: 850 }, RULES, true)).toEqual(['achieved 850 rps is 85 % of the offered 1000 rps (minimum 90 %)']);
    expect(validityProblems({ ...good, throughput_rps: 850 }, { ...RULES, min_achieved_ratio: 0.8 }, true)).toEqual([]);
  });

  it('counts requests dropped on purpose as answered (nfv firewall denies)', () => {
    // 75 % delivered, 25 % denied: answered at the offered rate.
    const denied = { ...good, throughput_rps: 750, completed: 7500, dropped: 2500 };
    expect(validityProblems(denied, RULES, true)).toEqual([]);
    // Denies do not hide a real shortfall: 60 % delivered + 20 % denied = 80 % answered.
    expect(validityProblems({ ...denied, throughput_rps: 600, completed: 6000, dropped: 2000 }, RULES, true)).toEqual(['achieved 600 rps plus 200 rps dropped on purpose is 80 % of the offered 1000 rps (minimum 90 %)']);
    // Drops are not errors, and do not dilute them either way beyond their share of requests.
    expect(validityProblems({ ...denied, errors: 200 }, RULES, true)[0]).toMatch(/^errors and timeouts are 1\.96\d* % of requests \(200 of 10200/);
  });

  it('rejects a saturated generator unless told not to, and lists every problem at once', () => {
    const bad = { ...good, throughput_rps: 500, errors: 500, saturated: 1 };
    expect(validityProblems(bad, RULES, true)).toHaveLength(3);
    expect(validityProblems({ ...good, saturated: 1 }, { ...RULES, reject_saturated: false }, true)).toEqual([]);
  });

  it('calls a saturated generator and an unsteady run disturbances (measured again), the system’s own failures not', () => {
    const kinds = (m: Record<string, number>): boolean[] => validityFindings(m, RULES, true).map((f) => f.disturbance);
    expect(kinds({ ...good, saturated: 1 })).toEqual([true]);
    expect(kinds({ ...good, never_steady: 1 })).toEqual([true]);
    expect(kinds({ ...good, unsteady_s: 0.5 })).toEqual([true]);
    expect(kinds({ ...good, errors: 500 })).toEqual([false]);
    expect(kinds({ ...good, throughput_rps: 500 })).toEqual([false]);
    expect(kinds({ ...good, throughput_rps: 0 })).toEqual([false]);
    expect(kinds({ ...good, errors: 500, saturated: 1 })).toEqual([false, true]);
  });
});

describe('keyMetricsFrom', () => {
  it('adds up rates and counts across clients (dropped included) and keeps the worst latency', () => {
    const a = { achieved_rps: 300, offered_rps: 400, completed: 300, dropped: 100, errors: 1, timeouts: 0, saturated: false, latency_us: { p50: 10, p99: 90 } };
    const b = { achieved_rps: 400, offered_rps: 400, completed: 400, errors: 0, timeouts: 2, saturated: true, latency_us: { p50: 20, p99: 50 } };
    expect(keyMetricsFrom([a, b, null, 'junk'])).toEqual({ throughput_rps: 700, offered_rps: 800, completed: 700, dropped: 100, errors: 1, timeouts: 2, saturated: 1, p50_us: 20, p99_us: 90 });
  });
});

describe('unmetExpectations', () => {
  it('says which bound a value misses, and when the value is missing', () => {
    expect(unmetExpectations({ p99_us: 2500, throughput_rps: 900 }, { p99_us: { max: 2000 }, throughput_rps: { min: 1000 } })).toEqual(['expected p99_us ≤ 2000, got 2500', 'expected throughput_rps ≥ 1000, got 900']);
    expect(unmetExpectations({ p99_us: 1500 }, { p99_us: { min: 100, max: 2000 } })).toEqual([]);
    expect(unmetExpectations({}, { overhead_pct: { min: 0, max: 5 } })).toEqual(['expected overhead_pct ≥ 0 and ≤ 5, but the run reported no overhead_pct']);
  });
});
