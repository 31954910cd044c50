import { z } from 'zod';

// A workload's capacity search: instead of one offered rate, the highest rate the system sustains.
export const RateSearchSchema = z
  .strictObject({
    setting: z.string().regex(/^[A-Za-z0-9_]+$/, 'a settings key').default('rate').describe('The `settings` key the clients read the offered rate from (`{{settings.rate}}`).'),
    min_rps: z.number().positive().describe('Lowest rate probed; if even this fails, the run fails (capacity below the range).'),
    max_rps: z.number().positive().describe('Highest rate probed; if it passes, capacity_rps is max_rps (at least: widen the range).'),
    max_probes: z.number().int().min(2).max(30).default(8).describe('At most this many load phases per run (each one warm-up + duration of the clients).'),
    resolution: z.number().positive().max(1).default(0.02).describe('Stop when the bracket high/low is within 1 + resolution.'),
    slo_p99_us: z.number().positive().optional().describe('A probe passes only if its p99 latency is at most this.'),
    min_achieved_ratio: z.number().min(0).max(1).default(0.99).describe('A probe passes only if achieved ≥ this × offered.'),
    max_error_ratio: z.number().min(0).max(1).default(0.01).describe('A probe passes only if (errors + timeouts) / requests ≤ this.'),
    settle_ms: z.number().int().min(0).max(60_000).default(200).describe('Pause between probes, so one probe’s backlog does not leak into the next.'),
  })
  .refine((r) => r.max_rps > r.min_rps, { message: 'max_rps must be above min_rps', path: ['max_rps'] })
  .describe('Search the highest offered rate with achieved ≥ 99 % of offered and p99 ≤ slo_p99_us, by bisection; reported as capacity_rps.');

export type RateSearchConfig = z.infer<typeof RateSearchSchema>;
