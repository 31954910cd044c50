// The one reader of generator-metrics JSON files (a client's metrics/<name>.json): bounded read,
// strict schema, every problem located by file and key path.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { knownKeysAt } from '../config/schema-keys.ts';
import { suggestionHint } from '../config/suggest.ts';
import { readTextBounded, UnsafeFileError } from '../util/safe-file.ts';
import { GeneratorMetricsSchema, type GeneratorMetrics } from './generator-metrics-schema.ts';

/** A metrics file that is not generator-metrics JSON: which file, which key, what was expected. */
export class MetricsFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not generator-metrics JSON (harness/schemas/generator-metrics.schema.json, docs/load-tools.md): ${problems.join('; ')}`);
    this.name = 'MetricsFormatError';
  }
}

const MAX_METRICS_BYTES = 64 * 1024 * 1024;

// "latency_us.p99" / "timeline[3].t_s" for a zod path.
function keyPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

// Each zod issue as "key path: problem (hint)"; unknown keys suggest the nearest known one.
function describeIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(GeneratorMetricsSchema, issue.path.filter((p): p is string | number => typeof p !== 'symbol'));
      return issue.keys.map((k) => `${keyPath([...issue.path, k])}: unknown key \`${k}\`${hintText(suggestionHint(k, known))}`);
    }
    return [`${keyPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`];
  });
}

const hintText = (hint: string): string => (hint ? ` (${hint})` : '');

// Check a parsed document against the format; throws MetricsFormatError naming `file` and each key path.
export function parseGeneratorMetrics(doc: unknown, file: string): GeneratorMetrics {
  const parsed = GeneratorMetricsSchema.safeParse(doc);
  if (!parsed.success) throw new MetricsFormatError(file, describeIssues(parsed.error));
  return parsed.data;
}

// Read and check one metrics file; throws MetricsFormatError (not JSON, wrong shape) or UnsafeFileError.
export function readGeneratorMetrics(file: string): GeneratorMetrics {
  const text = readTextBounded(file, { maxBytes: MAX_METRICS_BYTES, what: 'metrics file' });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new MetricsFormatError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseGeneratorMetrics(doc, file);
}

/** A client's metrics as a run record keeps them: the document, or why there is none. */
export interface MetricsReading {
  value: GeneratorMetrics | null;
  error: string | null;
}

// Read a client's metrics file for its record; a missing or bad file is recorded, never thrown.
export function readMetricsForRecord(file: string): MetricsReading {
  if (!existsSync(file)) return { value: null, error: `no metrics file written at ${file}` };
  try {
    return { value: readGeneratorMetrics(file), error: null };
  } catch (err) {
    if (err instanceof MetricsFormatError || err instanceof UnsafeFileError) return { value: null, error: err.message };
    throw err;
  }
}

// The document of a metrics file, or null when it is missing or not in the format (callers that only need figures).
export function readGeneratorMetricsOrNull(file: string): GeneratorMetrics | null {
  return readMetricsForRecord(file).value;
}
