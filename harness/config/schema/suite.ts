import { z } from 'zod';
import { ModeSchema, MODES } from './instrumentation.ts';
import { NameSchema, ScalarSchema, SecondsSchema } from './common.ts';
import { PrecisionSchema } from './precision.ts';

export const AnnotationsSchema = z.record(z.string(), ScalarSchema).describe('Free-form tags stored in plan.json / run_result.json.');

// Overrides (docs/suites.md: Expansion semantics): `workload.*` (validated after merging), `instrumentation.*`, `annotations.*`.
export const OverridesSchema = z.strictObject({
  workload: z.record(z.string(), z.unknown()).optional().describe('Deep-merged over the workload config.'),
  instrumentation: z.record(z.string(), z.unknown()).optional().describe('Deep-merged over instrumentation settings.'),
  annotations: AnnotationsSchema.optional(),
});

const ParamAxis = z.array(ScalarSchema).min(1, 'a parameter list needs at least one value');
const ParamGroup = z.record(z.string(), z.union([ScalarSchema, ParamAxis]));
const MatrixRow = z.record(z.string(), z.union([ScalarSchema, z.record(z.string(), ScalarSchema)]));

// A list is an axis, a mapping is a named group (`group.key` axes), a scalar is fixed;
// `include` / `exclude` behave like a GitHub Actions matrix.
export const ParametersSchema = z
  .record(z.string(), z.union([ScalarSchema, ParamAxis, ParamGroup, z.array(MatrixRow)]))
  .describe('Variant axes: list = axis, mapping = group of axes named group.key, scalar = fixed. `include`/`exclude` as in a GitHub Actions matrix.');

const BoundSchema = z.strictObject({ min: z.number().optional(), max: z.number().optional() }).refine((b) => b.min !== undefined || b.max !== undefined, { message: 'give min, max or both' });

// When a run is a valid measurement; anything else fails the run with the reason.
export const ValiditySchema = z.strictObject({
  require_throughput: z.boolean().default(true),
  max_error_ratio: z.number().min(0).max(1).default(0.01).describe('(errors + timeouts) / requests above this is invalid.'),
  min_achieved_ratio: z.number().min(0).max(1).default(0.9).describe('answered / offered rate below this is invalid (answered: completed plus requests the workload dropped on purpose, e.g. firewall denies).'),
  reject_saturated: z.boolean().default(true).describe('A generator that could not keep up invalidates the run.'),
  disturbed_retries: z
    .number()
    .int()
    .min(0)
    .max(5)
    .default(1)
    .describe(
      'How many more times a run is measured when only disturbances invalidate it (never steady, a transient in the window, a saturated generator): each attempt keeps its own folder and the last one is the result. 0: never.',
    ),
});

/** When a finished run counts as a measurement (a broken run must never pass). */
export type ValidityRules = z.infer<typeof ValiditySchema>;
/** An expectation's bounds on one metric. */
export type Bound = z.infer<typeof BoundSchema>;

export const ExpectSchema = z
  .record(z.string(), BoundSchema)
  .describe('Assertions on key metrics (throughput_rps, p99_us, …) and overhead_pct / overhead_pct.<metric> against the same repetition’s baseline.');

// A mutation (docs/measurement.md: Validity, expectations, mutations, resume): a git patch applied in its own worktree at the recorded base commit, built once.
export const MutationSchema = z.strictObject({
  name: NameSchema,
  patch: z.string().min(1).describe('Patch file (git diff format), relative to the project root.'),
  build: z.string().optional().describe('Shell command run once in the worktree after the patch applies.'),
});

export const WorkloadEntrySchema = z.strictObject({
  name: NameSchema,
  config: z.string().min(1).describe('Workload config file, relative to the project root.'),
  modes: z.array(ModeSchema).min(1, `list at least one mode (${MODES.join(', ')})`),
  repetitions: z.number().int().min(1).max(10000).default(1),
  parameters: ParametersSchema.default({}),
  overrides: OverridesSchema.default({}),
  timeout_s: SecondsSchema.positive().optional().describe('@default derived from the run’s process timeouts'),
  validity: ValiditySchema.partial().optional(),
  expect: ExpectSchema.optional(),
  mutations: z.array(MutationSchema).optional().describe('Each mutation is a value of the `mutation` axis; runs execute in its worktree.'),
  mutation_base: z.boolean().default(true).describe('Also run the unpatched base (mutation=base).'),
  precision: PrecisionSchema.optional().describe('Precision targets for this entry; win over the suite’s (docs/precision.md).'),
});

export const SuiteSchema = z.strictObject({
  name: NameSchema.optional().describe('@default the file name'),
  description: z.string().optional(),
  order: z.enum(['interleaved', 'blocked', 'random']).default('interleaved'),
  seed: z.number().int().optional().describe('Seed for `order: random`. @default derived from the suite name'),
  overrides: OverridesSchema.default({}),
  validity: ValiditySchema.partial().optional().describe('Suite-wide validity rules; a workload entry’s own win.'),
  precision: PrecisionSchema.optional().describe('Suite-wide precision targets; a workload entry’s own win (docs/precision.md).'),
  workloads: z.array(WorkloadEntrySchema).min(1, 'a suite needs at least one workload'),
});

export type SuiteDescriptor = z.infer<typeof SuiteSchema>;
export type WorkloadEntry = z.infer<typeof WorkloadEntrySchema>;
export type Overrides = z.infer<typeof OverridesSchema>;
