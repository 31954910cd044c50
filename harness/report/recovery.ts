import { estimateRecovery } from '../stats/index.ts';
import type { RunRecord } from '../results/artifact-store.ts';

/** The variant parameter that names a known injected cost (µs of busy work per request). */
export const INJECTED_PARAM = 'injected_us';
/** What a known cost should show up in: CPU per request (exactly) and the median latency (service time). */
export const RECOVERY_METRICS = ['server_cpu_us_per_req', 'p50_us'];

export interface RecoveryRow {
  workload: string;
  mode: string;
  variant: string;
  metric: string;
  /** The injected cost, µs. */
  injected_us: number;
  blocks: number;
  /** Recovered cost: mean paired difference against the injected_us = 0 variant, in the metric's unit. */
  delta: number;
  ci95: { low: number; high: number } | null;
  /** delta ÷ injected_us (1 = all of it recovered). */
  recovered_ratio: number;
  /** Whether the interval contains the injected cost. */
  covers: boolean | null;
  deltas: number[];
}

const round = (x: number): number => Number(x.toPrecision(6));
// The variant's other parameters: injected and reference runs must differ in the injected cost only.
const restKey = (params: Record<string, unknown>): string => JSON.stringify(Object.entries(params).filter(([k]) => k !== INJECTED_PARAM).sort(([a], [b]) => a.localeCompare(b)));

// Known-cost recovery of a suite whose variants carry `injected_us`: per workload × mode × injected
// variant and metric, the paired difference to the same repetition of the injected_us = 0 variant.
export function computeRecovery(records: readonly RunRecord[], opts: { confidence?: number } = {}): RecoveryRow[] {
  const passed = records.filter((r) => r.result.status === 'passed' && typeof r.result.run.params[INJECTED_PARAM] === 'number');
  const reference = new Map<string, RunRecord>();
  const cell = (r: RunRecord): string => `${r.result.run.workload}\0${r.result.run.mode}\0${restKey(r.result.run.params)}`;
  for (const r of passed) if (r.result.run.params[INJECTED_PARAM] === 0) reference.set(`${cell(r)}\0${r.result.run.repetition}`, r);
  const groups = new Map<string, RunRecord[]>();
  for (const r of passed) {
    if (r.result.run.params[INJECTED_PARAM] === 0) continue;
    const k = `${cell(r)}\0${r.result.run.variant}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const rows: RecoveryRow[] = [];
  for (const runs of groups.values()) {
    const first = runs[0]!.result.run;
    const injected = first.params[INJECTED_PARAM] as number;
    for (const metric of RECOVERY_METRICS) {
      const pairs = runs
        .sort((a, b) => a.result.run.repetition - b.result.run.repetition)
        .flatMap((r) => {
          const ref = reference.get(`${cell(r)}\0${r.result.run.repetition}`)?.result.key_metrics[metric];
          const val = r.result.key_metrics[metric];
          return typeof ref === 'number' && typeof val === 'number' ? [{ reference: ref, injected: val }] : [];
        });
      if (pairs.length === 0) continue;
      const est = estimateRecovery(pairs, opts);
      rows.push({
        workload: first.workload,
        mode: first.mode,
        variant: first.variant,
        metric,
        injected_us: injected,
        blocks: est.blocks,
        delta: round(est.delta),
        ci95: est.interval ? { low: round(est.interval.low), high: round(est.interval.high) } : null,
        recovered_ratio: round(est.delta / injected),
        covers: est.interval ? est.interval.low <= injected && injected <= est.interval.high : null,
        deltas: est.deltas.map(round),
      });
    }
  }
  return rows.sort((a, b) => a.workload.localeCompare(b.workload) || a.mode.localeCompare(b.mode) || a.injected_us - b.injected_us || a.metric.localeCompare(b.metric));
}
