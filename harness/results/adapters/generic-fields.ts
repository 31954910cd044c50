// The generic adapters' part in common: a value found for a field, converted from its unit, placed
// in generator-metrics JSON; what was not asked for is listed as unavailable.
import { GENERIC_FIELDS, type GenericField, type Unit } from '../../config/schema/results.ts';
import type { GeneratorMetrics } from '../generator-metrics-schema.ts';
import { AdapterParseError } from './adapter.ts';

const TO_US: Partial<Record<Unit, number>> = { ns: 0.001, us: 1, ms: 1000, s: 1_000_000 };
const TO_S: Partial<Record<Unit, number>> = { us: 1e-6, ms: 1e-3, s: 1 };

/** Where a value was found, for messages. */
export interface FoundAt {
  file: string;
  line: number;
}

// Convert `value` given in `unit` (default: the field's own) and set `field` of `out`.
export function setField(out: GeneratorMetrics, field: GenericField, value: number, unit: Unit | undefined, at: FoundAt): void {
  const allowed = GENERIC_FIELDS[field] as readonly Unit[];
  const u = unit ?? allowed[0]!;
  if (!allowed.includes(u)) throw new AdapterParseError(at.file, at.line, `${field} in ${allowed.join(', ')}`, `results.fields.${field}.unit is ${u}`);
  if (!Number.isFinite(value) || value < 0) throw new AdapterParseError(at.file, at.line, `a number ≥ 0 for ${field}`, `found ${value}`);
  if (field.startsWith('latency_us.')) {
    const key = field.slice('latency_us.'.length) as keyof NonNullable<GeneratorMetrics['latency_us']>;
    out.latency_us = { ...out.latency_us, [key]: value * TO_US[u]! };
  } else if (field === 'duration_s') out.duration_s = value * TO_S[u]!;
  else if (field === 'completed' || field === 'errors' || field === 'timeouts' || field === 'connections') out[field] = Math.round(value);
  else if (field === 'achieved_rps' || field === 'offered_rps') out[field] = value;
}

// Fields of the generic set the stanza did not map: stated as unavailable.
export function unmapped(mapped: readonly string[]): string[] {
  const out = Object.keys(GENERIC_FIELDS).filter((f) => !mapped.includes(f));
  return [...out, 'histogram', 'timeline'];
}
