import type { RateSearchConfig } from '../config/schema/rate-search.ts';
import { RateSearchSectionSchema, type RateProbe, type RateSearchSection } from '../results/rate-search-section-schema.ts';
import { bisectCapacity, judgeProbe } from './rate-search.ts';

/** What one load phase at one rate produced. */
export interface ProbeOutcome {
  startedAt: string;
  keyMetrics: Record<string, number>;
  /** The clients' metrics JSON of this probe, relative to the artifact folder. */
  metricsFiles: string[];
}

// Drive a capacity search: each probe is one load phase (the caller runs the clients at `rate`), judged
// against the search's criteria; returns the typed `rate_search` section with every probe's figures.
export async function runRateSearch(cfg: RateSearchConfig, runProbe: (rate: number, index: number) => Promise<ProbeOutcome>): Promise<RateSearchSection> {
  const probes: RateProbe[] = [];
  const result = await bisectCapacity(cfg, async (rate) => {
    if (probes.length > 0 && cfg.settle_ms > 0) await new Promise((r) => setTimeout(r, cfg.settle_ms));
    const index = probes.length;
    const out = await runProbe(rate, index);
    const verdict = judgeProbe({ offered_rps: rate, ...out.keyMetrics }, cfg);
    probes.push({ index, rate, ok: verdict.ok, reasons: verdict.reasons, started_at: out.startedAt, key_metrics: out.keyMetrics, metrics_files: out.metricsFiles });
    return verdict.ok;
  });
  const capacityProbe = result.capacity === null ? null : probes.findLast((p) => p.ok && p.rate === result.capacity)?.index ?? null;
  return RateSearchSectionSchema.parse({
    config: { ...cfg },
    capacity_rps: result.capacity,
    bracket: { low: result.low, high: result.high },
    stop: result.stop,
    capacity_probe: capacityProbe,
    probes,
  });
}
