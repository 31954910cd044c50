import { z } from 'zod';
import { WorkloadConfigSchema } from './workload.ts';
import { InstrumentationSchema } from './instrumentation.ts';
import { AnnotationsSchema } from './suite.ts';

// What one variant resolves to after merging config < suite < entry < CLI < variant.
export const ResolvedConfigSchema = z.strictObject({
  workload: WorkloadConfigSchema,
  instrumentation: InstrumentationSchema,
  annotations: AnnotationsSchema,
});

export type ResolvedConfig = z.infer<typeof ResolvedConfigSchema>;
