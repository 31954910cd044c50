import { z } from 'zod';
import { RateSearchSchema } from '../config/schema/rate-search.ts';

// One load phase of a capacity search, at one offered rate.
export const RateProbeSchema = z
  .object({
    index: z.number().int(),
    rate: z.number().describe('Offered rate of this probe, req/s.'),
    ok: z.boolean(),
    reasons: z.array(z.string()).describe('Why the probe failed (empty when it passed).'),
    started_at: z.string(),
    key_metrics: z.record(z.string(), z.number()).describe('The probe\'s own figures: throughput, latency percentiles, CPU cost over its window.'),
    metrics_files: z.array(z.string()).describe('The clients\' metrics JSON of this probe, relative to the artifact folder.'),
  })
  .strict();

// The `rate_search` section of run_result.json: every probe and the capacity found.
export const RateSearchSectionSchema = z
  .object({
    config: RateSearchSchema.describe('The search as resolved: workload rate_search with rate_scan.* parameters over it.'),
    capacity_rps: z.number().nullable().describe('Highest offered rate that passed; null when even min_rps failed.'),
    bracket: z.object({ low: z.number().nullable(), high: z.number().nullable() }).strict(),
    stop: z.enum(['below-range', 'at-max', 'resolution', 'max-probes']),
    capacity_probe: z.number().int().nullable().describe('Index of the probe whose figures are the run\'s key metrics.'),
    probes: z.array(RateProbeSchema),
  })
  .strict();

export type RateProbe = z.infer<typeof RateProbeSchema>;
export type RateSearchSection = z.infer<typeof RateSearchSectionSchema>;
