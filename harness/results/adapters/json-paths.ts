// Generic adapter: figures from a JSON document the tool writes, by dotted path (`stats.p99`, `results[0].mean`).
import type { GenericField, ResultsConfig } from '../../config/schema/results.ts';
import type { GeneratorMetrics } from '../generator-metrics-schema.ts';
import { AdapterParseError, type ResultAdapter } from './adapter.ts';
import { setField, unmapped } from './generic-fields.ts';

type Options = Extract<ResultsConfig, { adapter: 'json' }>;

// Follow a path through own properties only (a `__proto__` key never reaches a prototype).
export function valueAtPath(doc: unknown, jsonPath: string): unknown {
  const steps = jsonPath.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = doc;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step;
    if (typeof key === 'number' ? !Array.isArray(cur) : !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

export const jsonPathsAdapter: ResultAdapter<Options> = {
  parse(input) {
    let doc: unknown;
    try {
      doc = JSON.parse(input.text);
    } catch (err) {
      throw new AdapterParseError(input.source, 1, 'a JSON document (results.adapter: json)', (err as Error).message);
    }
    const out: GeneratorMetrics = { load_model: input.options.load_model, ...(input.options.load_model === 'closed' ? { offered_rps: null } : {}) };
    const fields = Object.entries(input.options.fields) as [GenericField, string | { path: string; unit?: string }][];
    for (const [field, spec] of fields) {
      const { path, unit } = typeof spec === 'string' ? { path: spec, unit: undefined } : spec;
      const v = valueAtPath(doc, path);
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new AdapterParseError(input.source, 1, `a number at ${path} for ${field}`, v === undefined ? 'the path is not in the document' : `found ${JSON.stringify(v).slice(0, 100)}`);
      setField(out, field, n, unit as Parameters<typeof setField>[3], { file: input.source, line: 1 });
    }
    return { ...out, histogram: null, timeline: null, unavailable: unmapped(fields.map(([f]) => f)) };
  },
};
