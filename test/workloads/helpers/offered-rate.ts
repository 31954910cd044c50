import { expect } from 'vitest';
import type { GeneratorMetrics } from '../../../experiments/workloads/lib/metrics.ts';

/**
 * The achieved rate is within 1 % of the offered one, or the metrics say why not: the generator fell
 * behind (`saturated`), or responses lagged. A busy machine may slow a run; it must never do so silently.
 */
export function expectOfferedRateOrExplained(m: Pick<GeneratorMetrics, 'achieved_rps' | 'offered_rps' | 'saturated' | 'notes'>): void {
  const off = Math.abs(m.achieved_rps - m.offered_rps) / m.offered_rps;
  if (off < 0.01) return;
  const explained = m.saturated || m.notes.some((n) => /^(generator saturated|responses lagged)/.test(n));
  expect(explained, `achieved ${m.achieved_rps} req/s of ${m.offered_rps} offered (${(off * 100).toFixed(1)} % off) and no note says why: ${JSON.stringify(m.notes)}`).toBe(true);
}
