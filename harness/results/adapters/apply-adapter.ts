// Run a client's result adapter once the tool has exited: read its output (the client log or the
// file it wrote), convert, check against the generator-metrics schema and write metrics/<client>.json.
import path from 'node:path';
import type { ResultsConfig } from '../../config/schema/results.ts';
import { readTextBounded, writeJsonSafe } from '../../util/safe-file.ts';
import { GENERATOR_METRICS_FORMAT_VERSION, type GeneratorMetrics } from '../generator-metrics-schema.ts';
import { parseGeneratorMetrics } from '../generator-metrics-reader.ts';
import { AdapterParseError, type AdapterInput, type ResultAdapter } from './adapter.ts';
import { RESULT_ADAPTERS } from './registry.ts';

/** A finished client, as the adapter needs it. */
export interface FinishedClient {
  name: string;
  argv: readonly string[];
  cwd: string;
  /** The client log (absolute). */
  logPath: string;
  /** Where generator-metrics JSON goes (metrics/<name>.json). */
  metricsFile: string;
  results: ResultsConfig;
  startedAt: string;
  durationMs: number;
}

const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

// Convert the client's output; throws AdapterParseError (file, line, what it expected) when it cannot.
export function applyResultAdapter(client: FinishedClient): GeneratorMetrics {
  const adapter = RESULT_ADAPTERS[client.results.adapter] as ResultAdapter;
  const source = client.results.file ?? adapter.sourceFile?.(client.argv, client.cwd) ?? client.logPath;
  let text: string;
  try {
    text = readTextBounded(source, { maxBytes: MAX_OUTPUT_BYTES, what: `${client.results.adapter} output` });
  } catch (err) {
    throw new AdapterParseError(source, 1, `the ${client.results.adapter} output of client ${client.name}`, `it cannot be read: ${(err as Error).message}`);
  }
  const input: AdapterInput = { text, source, argv: client.argv, cwd: client.cwd, options: client.results, startedAt: client.startedAt, durationMs: client.durationMs };
  const parsed = adapter.parse(input);
  const metrics = parseGeneratorMetrics({ ...windowDefaults(input, parsed), ...parsed, format_version: GENERATOR_METRICS_FORMAT_VERSION, adapter: { name: client.results.adapter, source: path.basename(source) } }, source);
  writeJsonSafe(client.metricsFile, metrics, { createParents: true, what: 'metrics file' });
  return metrics;
}

// The measurement window when the tool gives none finer: from the process start, for the tool's own duration (or the process's).
function windowDefaults(input: AdapterInput, parsed: GeneratorMetrics): GeneratorMetrics {
  const duration = parsed.duration_s ?? input.durationMs / 1000;
  const start = Date.parse(input.startedAt);
  return {
    warmup_s: 0,
    duration_s: duration,
    started_at: input.startedAt,
    ended_at: new Date(start + duration * 1000).toISOString(),
    saturated: false,
    notes: [],
  };
}
