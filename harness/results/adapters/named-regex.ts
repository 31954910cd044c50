// Generic adapter: figures from text output, one regular expression per field; the number is the
// named group `value` (or the first group) of the first line that matches.
import type { GenericField, ResultsConfig } from '../../config/schema/results.ts';
import type { GeneratorMetrics } from '../generator-metrics-schema.ts';
import { AdapterParseError, type ResultAdapter } from './adapter.ts';
import { setField, unmapped } from './generic-fields.ts';

type Options = Extract<ResultsConfig, { adapter: 'regex' }>;

export const namedRegexAdapter: ResultAdapter<Options> = {
  parse(input) {
    const out: GeneratorMetrics = { load_model: input.options.load_model, ...(input.options.load_model === 'closed' ? { offered_rps: null } : {}) };
    const lines = input.text.split('\n');
    const fields = Object.entries(input.options.fields) as [GenericField, { pattern: string; unit?: Parameters<typeof setField>[3] }][];
    for (const [field, spec] of fields) {
      let re: RegExp;
      try {
        re = new RegExp(spec.pattern);
      } catch (err) {
        throw new AdapterParseError(input.source, 1, `a valid regular expression in results.fields.${field}.pattern`, (err as Error).message);
      }
      const i = lines.findIndex((l) => re.test(l));
      if (i < 0) throw new AdapterParseError(input.source, lines.length, `a line matching /${spec.pattern}/ for ${field}`, 'no line matches');
      const m = re.exec(lines[i]!)!;
      const raw = m.groups?.value ?? m[1];
      const n = Number(raw);
      if (raw === undefined || raw.trim() === '' || !Number.isFinite(n)) throw new AdapterParseError(input.source, i + 1, `a number in the group \`value\` (or the first group) of /${spec.pattern}/ for ${field}`, `found ${JSON.stringify(raw ?? null)}`);
      setField(out, field, n, spec.unit, { file: input.source, line: i + 1 });
    }
    return { ...out, histogram: null, timeline: null, unavailable: unmapped(fields.map(([f]) => f)) };
  },
};
