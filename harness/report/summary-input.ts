// A summary.json read back for `harness compare`: validated against the part of the schema compare
// uses, so a file that merely carries the right `schema` field is refused with the path of its first
// problem instead of failing inside the statistics.
import { z } from 'zod';
import { READ_LIMITS, readTextBounded, UnsafeFileError } from '../util/safe-file.ts';
import { SUMMARY_SCHEMA, type SuiteSummary } from './summary.ts';
import { HarnessError } from '../errors/harness-error.ts';

const Finite = z.number().finite();
const Name = z.string().max(1000);
const Metric = z.looseObject({ values: z.array(Finite) });

export const SummaryInputSchema = z.looseObject({
  schema: z.literal(SUMMARY_SCHEMA),
  suite: z.string(),
  groups: z.array(z.looseObject({ workload: Name, mode: Name, variant: Name, metrics: z.record(Name, Metric) })),
  overhead: z.array(z.looseObject({ workload: Name, variant: Name, mode: Name, metric: Name, log_ratios: z.array(Finite).optional() })),
});

/** A file that is not a summary compare can read. */
export class SummaryInputError extends HarnessError {
  readonly failureKind = 'config' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SummaryInputError';
  }
}

// Read and validate one summary.json (bounded, regular files only).
export function readSummaryFile(file: string): SuiteSummary {
  let doc: unknown;
  try {
    doc = JSON.parse(readTextBounded(file, { maxBytes: READ_LIMITS.json, what: 'summary' }));
  } catch (err) {
    if (err instanceof UnsafeFileError) throw new SummaryInputError(err.message);
    throw new SummaryInputError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (schema !== SUMMARY_SCHEMA) throw new SummaryInputError(`${file} is not a suite summary (expected "schema": "${SUMMARY_SCHEMA}"); pass a summary.json or artifact folders`);
  const parsed = SummaryInputSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const at = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new SummaryInputError(`${file} is not a valid suite summary: ${at || '(root)'}: ${first.message}`);
  }
  return parsed.data as unknown as SuiteSummary;
}
