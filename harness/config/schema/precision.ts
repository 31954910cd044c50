import { z } from 'zod';
import type { PrecisionSettings } from '../../stats/precision-controller.ts';
import { DEFAULT_CLIP } from '../../stats/confidence-sequence.ts';
import { SecondsSchema } from './common.ts';
import { BASE_MUTATION, MUTATION_PARAM } from '../mutation-label.ts';

// One precision target (docs/precision.md): which metric, of what, how narrow, against which margin.
export const PrecisionTargetSchema = z
  .strictObject({
    metric: z.string().min(1).describe('Key metric, e.g. server_cpu_us_per_req, p99_us, throughput_rps.'),
    of: z
      .enum(['overhead', 'change', 'difference', 'value'])
      .default('overhead')
      .describe(
        "'overhead': each mode's cost against the same block's baseline; 'change': each mutation (git patch) against the unpatched base — or, with `against`, each value of a parameter against the value named there — same mode and block, in percent; 'difference': the same, in the metric's units (e.g. recovered µs of an injected cost); 'value': each mode's own value.",
      ),
    against: z
      .record(z.string().regex(/^(?!(?:__proto__|constructor|prototype)$)[A-Za-z_][A-Za-z0-9_.-]*$/, 'a parameter name'), z.union([z.string(), z.number(), z.boolean()]))
      .refine((r) => Object.keys(r).length === 1, { message: 'name exactly one parameter and its reference value, e.g. against: { injected_us: 0 }' })
      .optional()
      .describe('of: change, difference: the reference level, one parameter and its value (e.g. { injected_us: 0 }); each block then spans that parameter. @default { mutation: base } (the mutations axis)'),
    half_width: z
      .number()
      .positive('half_width must be > 0')
      .max(1000)
      .describe('Wanted half-width of the interval: percentage points of overhead or change (of: overhead, change) or percent of the estimate (of: value, difference).'),
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
  .refine((t) => t.margin === undefined || t.of === 'overhead' || t.of === 'change', { message: 'margin applies to of: overhead and of: change targets only', path: ['margin'] })
  .refine((t) => t.against === undefined || t.of === 'change' || t.of === 'difference', { message: 'against applies to of: change and of: difference targets only', path: ['against'] });

// Precision on demand (suite or workload entry; the entry's own wins): blocks are added until every
// target is met or decided, the time budget is spent, or max_repetitions is reached.
export const PrecisionSchema = z
  .strictObject({
    targets: z.array(PrecisionTargetSchema).min(1, 'list at least one target'),
    confidence: z.number().gt(0.5, 'confidence must be in (0.5, 1)').lt(1, 'confidence must be in (0.5, 1)').default(0.95).describe('Confidence of the sequences (two-sided).'),
    min_repetitions: z.number().int().min(1).max(10000).default(3).describe('Blocks always run.'),
    max_repetitions: z.number().int().min(1).max(10000).describe('Blocks never exceeded (the generated files plan this many).'),
    time_budget_s: SecondsSchema.positive().optional().describe('Wall-clock budget for the blocks, seconds: no block starts that would overrun it at the mean block duration.'),
    stop_arms: z
      .enum(['together', 'each'])
      .default('together')
      .describe(
        "'together': every block measures every mode (and level) until the rule stops, so metrics without a target keep every block. 'each': once all of an arm's targets are met or decided (after min_repetitions), later blocks skip its runs unless an open target compares against it: blocks go where the variance is.",
      ),
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
    // A block spans one axis: every change or difference target compares along the same parameter.
    let axis: { param: string; at: number } | null = null;
    p.targets.forEach((t, i) => {
      if (t.of !== 'change' && t.of !== 'difference') return;
      const param = targetAgainst(t).param;
      if (axis === null) axis = { param, at: i };
      else if (axis.param !== param) {
        ctx.addIssue({ code: 'custom', path: ['targets', i, 'against'], message: `compares along ${param}, but targets[${axis.at}] along ${axis.param}: a block spans one parameter, so every change and difference target of an entry compares along the same one` });
      }
    });
  })
  .describe('Precision targets: measure until every interval is narrow enough or its verdict decided (docs/precision.md).');

export type PrecisionSpec = z.infer<typeof PrecisionSchema>;
type TargetSpec = PrecisionSpec['targets'][number];

/** The reference level of a change or difference target: its `against:`, else the mutations axis' unpatched base. */
export function targetAgainst(t: Pick<TargetSpec, 'against'>): { param: string; level: string } {
  const entry = t.against ? Object.entries(t.against)[0] : undefined;
  return entry ? { param: entry[0], level: String(entry[1]) } : { param: MUTATION_PARAM, level: BASE_MUTATION };
}

/** The parameter a precision block spans: the one its change and difference targets compare along, else the mutations axis. */
export function precisionAxis(spec: Pick<PrecisionSpec, 'targets'>): string {
  const t = spec.targets.find((x) => x.of === 'change' || x.of === 'difference');
  return t ? targetAgainst(t).param : MUTATION_PARAM;
}

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
      ...(t.of === 'change' || t.of === 'difference' ? { against: targetAgainst(t) } : {}),
    })),
    axis: precisionAxis(p),
    confidence: p.confidence,
    minRepetitions: p.min_repetitions,
    maxRepetitions: p.max_repetitions,
    ...(p.time_budget_s !== undefined ? { timeBudgetSeconds: p.time_budget_s } : {}),
    stopArms: p.stop_arms,
  };
}
