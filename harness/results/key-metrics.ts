// The generator metrics JSON the workload clients write (experiments/workloads/lib/metrics.ts).
interface GeneratorMetricsLike {
  achieved_rps?: number;
  offered_rps?: number;
  errors?: number;
  timeouts?: number;
  completed?: number;
  /** Requests the system under test discarded on purpose and said so (nfv firewall denies). */
  dropped?: number;
  saturated?: boolean;
  latency_us?: Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'mean', number>>;
}

const LATENCY_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

// Key figures of a run across its clients: throughput and counts add up, latency takes the worst client.
export function keyMetricsFrom(metrics: readonly unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (key: string, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = (out[key] ?? 0) + v;
  };
  const worst = (key: string, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = Math.max(out[key] ?? -Infinity, v);
  };
  for (const raw of metrics) {
    if (!raw || typeof raw !== 'object') continue;
    const m = raw as GeneratorMetricsLike;
    add('throughput_rps', m.achieved_rps);
    add('offered_rps', m.offered_rps);
    add('completed', m.completed);
    add('errors', m.errors);
    add('timeouts', m.timeouts);
    add('dropped', m.dropped);
    if (m.saturated !== undefined) worst('saturated', m.saturated ? 1 : 0);
    for (const k of LATENCY_KEYS) worst(`${k}_us`, m.latency_us?.[k]);
  }
  return out;
}
