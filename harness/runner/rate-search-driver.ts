import type { RateSearchConfig } from '../config/schema/rate-search.ts';
import { RateSearchSectionSchema, type RateProbe, type RateSearchSection } from '../results/rate-search-section-schema.ts';
import { bisectCapacity, judgeProbe } from './rate-search.ts';

/** What one load phase at one rate produced. */
export interface ProbeOutcome {
  startedAt: string;
  keyMetrics: Record<string, number>;
  /** The clients' metrics JSON of this probe, relative to the artifact folder. */
  metricsFiles: string[];
  /** Why the clients themselves failed (an overloaded probe may: a preload timing out…); fails the probe. */
  failure?: string;
}

/** What the search needs from the run besides the probes. */
export interface RateSearchHooks {
  runProbe: (rate: number, index: number) => Promise<ProbeOutcome>;
  /** Wait until the system under test is idle again (an overloaded probe leaves a backlog behind). */
  settle: () => Promise<void>;
}

// Drive a capacity search: each probe is one load phase (the caller runs the clients at `rate`), judged
// against the search's criteria; returns the typed `rate_search` section with every probe's figures.
export async function runRateSearch(cfg: RateSearchConfig, hooks: RateSearchHooks): Promise<RateSearchSection> {
  const probes: RateProbe[] = [];
  const result = await bisectCapacity(cfg, async (rate) => {
    if (probes.length > 0) {
      await hooks.settle();
      if (cfg.settle_ms > 0) await new Promise((r) => setTimeout(r, cfg.settle_ms));
    }
    const index = probes.length;
    const out = await hooks.runProbe(rate, index);
    const verdict = judgeProbe({ ...out.keyMetrics, offered_rps: rate }, cfg);
    if (out.failure) verdict.reasons.unshift(`clients failed: ${out.failure}`);
    verdict.ok &&= !out.failure;
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
