import { z } from 'zod';

// A client's `results:` stanza (docs/load-tools.md): which result adapter turns the tool's own output
// into generator-metrics JSON. Without it the client writes that JSON itself (metrics_flag).

const file = z
  .string()
  .min(1)
  .optional()
  .describe('The file the tool writes its results to, relative to the client’s cwd; may use `{{...}}` templates. @default the client log (its stdout and stderr), or the file the tool’s own flag names');

const loadModel = z
  .enum(['open', 'closed'])
  .describe('`open`: the tool sends on a schedule (give offered_rps); `closed`: each connection waits for its reply. Stated, never guessed.');

/** Fields a generic adapter may fill, with the units their values may be given in. */
export const GENERIC_FIELDS = {
  achieved_rps: ['rps'],
  offered_rps: ['rps'],
  completed: ['count'],
  errors: ['count'],
  timeouts: ['count'],
  connections: ['count'],
  duration_s: ['s', 'ms', 'us'],
  'latency_us.min': ['us', 'ms', 's', 'ns'],
  'latency_us.mean': ['us', 'ms', 's', 'ns'],
  'latency_us.p50': ['us', 'ms', 's', 'ns'],
  'latency_us.p90': ['us', 'ms', 's', 'ns'],
  'latency_us.p95': ['us', 'ms', 's', 'ns'],
  'latency_us.p99': ['us', 'ms', 's', 'ns'],
  'latency_us.p999': ['us', 'ms', 's', 'ns'],
  'latency_us.max': ['us', 'ms', 's', 'ns'],
} as const;
export type GenericField = keyof typeof GENERIC_FIELDS;
export const UNITS = ['rps', 'count', 's', 'ms', 'us', 'ns'] as const;
export type Unit = (typeof UNITS)[number];

const FieldName = z.enum(Object.keys(GENERIC_FIELDS) as [GenericField, ...GenericField[]]);

const jsonField = z.union([
  z.string().min(1),
  z.strictObject({ path: z.string().min(1).describe('Dotted path, `[n]` for list items: `stats.latency.p99`, `results[0].mean`.'), unit: z.enum(UNITS).optional() }),
]);

const regexField = z.strictObject({
  pattern: z.string().min(1).describe('A regular expression with a named group `value` (or one capture group) matching a number.'),
  unit: z.enum(UNITS).optional().describe('@default the field’s own unit (µs for latency, s for duration_s)'),
});

export const ResultsSchema = z
  .discriminatedUnion('adapter', [
    z.strictObject({ adapter: z.literal('redis-benchmark'), file, test: z.string().min(1).optional().describe('The test row to use (e.g. GET) when the CSV has several.') }),
    z.strictObject({ adapter: z.literal('wrk'), file }),
    z.strictObject({ adapter: z.literal('httperf'), file }),
    z.strictObject({ adapter: z.literal('h2load'), file }),
    z.strictObject({ adapter: z.literal('ab'), file }),
    z.strictObject({ adapter: z.literal('hey'), file }),
    z.strictObject({ adapter: z.literal('hyperfine'), file, command: z.string().min(1).optional().describe('The benchmarked command to use when the export has several.') }),
    z.strictObject({ adapter: z.literal('json'), file, load_model: loadModel, fields: z.partialRecord(FieldName, jsonField).describe('Field → JSON path (or {path, unit}).') }),
    z.strictObject({ adapter: z.literal('regex'), file, load_model: loadModel, fields: z.partialRecord(FieldName, regexField).describe('Field → {pattern, unit}; each pattern must match a line of the output.') }),
  ])
  .describe('Turn a third-party load tool’s output into generator-metrics JSON (docs/load-tools.md).');

export type ResultsConfig = z.infer<typeof ResultsSchema>;
export type AdapterName = ResultsConfig['adapter'];
