import { z } from 'zod';
import type { PrecisionSettings } from '../../stats/precision-controller.ts';
import { DEFAULT_CLIP } from '../../stats/confidence-sequence.ts';
import { SecondsSchema } from './common.ts';

// One precision target (docs/precision.md): which metric, of what, how narrow, against which margin.
export const PrecisionTargetSchema = z
  .strictObject({
    metric: z.string().min(1).describe('Key metric, e.g. server_cpu_us_per_req, p99_us, throughput_rps.'),
    of: z
      .enum(['overhead', 'change', 'value'])
      .default('overhead')
      .describe("'overhead': each mode's cost against the same block's baseline; 'change': each mutation (git patch) against the unpatched base, same mode and block; 'value': each mode's own value."),
    half_width: z
      .number()
      .positive('half_width must be > 0')
      .max(1000)
      .describe('Wanted half-width of the interval: percentage points of overhead or change (of: overhead, change) or percent of the value (of: value).'),
    margin: z
      .number()
      .min(0, 'margin is a percentage ≥ 0')
      .max(1000)
      .optional()
      .describe('Practical margin, percent. of: overhead: verdict "costs at most X %", "costs more than X %"; of: change: "no change within ±X %", "regressed", "improved"; otherwise "inconclusive within the budget". A decided verdict also ends measuring.'),
    clip: z
      .number()
      .positive('clip must be > 0')
      .max(1)
      .optional()
      .describe(`Clip bound of the robust sequence on log ratios (log units, chosen before measuring). @default ${DEFAULT_CLIP}`),
  })
  .refine((t) => t.margin === undefined || t.of !== 'value', { message: 'margin applies to of: overhead and of: change targets only', path: ['margin'] });

// Precision on demand (suite or workload entry; the entry's own wins): blocks are added until every
// target is met or decided, the time budget is spent, or max_repetitions is reached.
export const PrecisionSchema = z
  .strictObject({
    targets: z.array(PrecisionTargetSchema).min(1, 'list at least one target'),
    confidence: z.number().gt(0.5, 'confidence must be in (0.5, 1)').lt(1, 'confidence must be in (0.5, 1)').default(0.95).describe('Confidence of the sequences (two-sided).'),
    min_repetitions: z.number().int().min(1).max(10000).default(3).describe('Blocks always run.'),
    max_repetitions: z.number().int().min(1).max(10000).describe('Blocks never exceeded (the generated files plan this many).'),
    time_budget_s: SecondsSchema.positive().optional().describe('Wall-clock budget for the blocks, seconds: no block starts that would overrun it at the mean block duration.'),
  })
  .superRefine((p, ctx) => {
    if (p.min_repetitions > p.max_repetitions) {
      ctx.addIssue({ code: 'custom', path: ['min_repetitions'], message: `min_repetitions (${p.min_repetitions}) exceeds max_repetitions (${p.max_repetitions})` });
    }
    const seen = new Map<string, number>();
    p.targets.forEach((t, i) => {
      const key = `${t.of} ${t.metric}`;
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['targets', i, 'metric'], message: `${t.of} of ${t.metric} is already targets[${first}]` });
      else seen.set(key, i);
    });
  })
  .describe('Precision targets: measure until every interval is narrow enough or its verdict decided (docs/precision.md).');

export type PrecisionSpec = z.infer<typeof PrecisionSchema>;

// The controller's settings for a workload entry: the entry's `precision:` or else the suite's; null without either.
export function resolvePrecision(suite: PrecisionSpec | undefined, entry: PrecisionSpec | undefined): PrecisionSettings | null {
  const p = entry ?? suite;
  if (!p) return null;
  return {
    targets: p.targets.map((t) => ({
      metric: t.metric,
      of: t.of,
      halfWidth: t.half_width,
      ...(t.margin !== undefined ? { margin: t.margin } : {}),
      ...(t.clip !== undefined ? { clip: t.clip } : {}),
    })),
    confidence: p.confidence,
    minRepetitions: p.min_repetitions,
    maxRepetitions: p.max_repetitions,
    ...(p.time_budget_s !== undefined ? { timeBudgetSeconds: p.time_budget_s } : {}),
  };
}
