import { z } from 'zod';
import { SuiteSchema, AnnotationsSchema } from './schema/suite.ts';
import { WorkloadConfigSchema } from './schema/workload.ts';
import { InstrumentationSchema } from './schema/instrumentation.ts';

// A workload config file: the workload keys plus optional instrumentation/annotation defaults.
export const WorkloadFileSchema = WorkloadConfigSchema.extend({
  instrumentation: InstrumentationSchema.partial().optional(),
  annotations: AnnotationsSchema.optional(),
});

const extraSchemas = new Map<string, z.ZodType>();

// Other modules (run results) register their schemas for `harness schema`.
export function registerJsonSchema(name: string, schema: z.ZodType): void {
  extraSchemas.set(name, schema);
}

// JSON Schemas (draft 2020-12) of what users write, generated from the zod schemas.
export function jsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all: [string, z.ZodType][] = [['suite', SuiteSchema], ['workload', WorkloadFileSchema], ...extraSchemas];
  for (const [name, schema] of all) {
    out[`${name}.schema.json`] = { ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), title: `MicroSentinel harness ${name}` };
  }
  return out;
}
