import type { KeyPath } from '../config/yaml-source.ts';
import { suggestionHint } from '../config/suggest.ts';
import { hashValue } from '../util/hash.ts';

export type Scalar = string | number | boolean;

export interface Axis {
  /** Full name: `delta_values_us`, or `group.key` for a key of a named group. */
  name: string;
  values: Scalar[];
}

export interface Variant {
  /** Every parameter value of this variant: axes, fixed values, include additions. */
  params: Record<string, Scalar>;
  /** Readable name from the varying values, e.g. `delta_values_us=5,rate_scan.samples_per_core=500`. */
  label: string;
  /** File-name-safe form of the label. */
  slug: string;
}

export interface ParameterSpace {
  axes: Axis[];
  fixed: Record<string, Scalar>;
  variants: Variant[];
}

export type ReportIssue = (path: KeyPath, message: string, hint?: string) => void;

type Row = Record<string, Scalar>;

const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);
const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Expand `parameters` into variants: lists are axes, mappings are groups, scalars are fixed,
// `exclude` removes and `include` extends combinations exactly like a GitHub Actions matrix.
export function expandParameters(parameters: Record<string, unknown>, report: ReportIssue, limits: { maxRuns: number; runsPerVariant: number } = { maxRuns: Infinity, runsPerVariant: 1 }): ParameterSpace {
  const axes: Axis[] = [];
  const fixed: Row = {};
  let include: Row[] = [];
  let exclude: Row[] = [];
  for (const [key, value] of Object.entries(parameters)) {
    if (key === 'include' || key === 'exclude') {
      const rows = readMatrixRows(value, [key], report);
      if (key === 'include') include = rows;
      else exclude = rows;
    } else if (Array.isArray(value)) {
      if (value.length === 0) report([key], `parameter \`${key}\` is an empty list: an axis with no values plans no runs`, 'give at least one value, or remove the parameter');
      else axes.push({ name: key, values: value as Scalar[] });
    } else if (isMapping(value)) {
      for (const [sub, subValue] of Object.entries(value)) {
        if (Array.isArray(subValue) && subValue.length === 0) report([key, sub], `parameter \`${key}.${sub}\` is an empty list: an axis with no values plans no runs`, 'give at least one value, or remove the parameter');
        else if (Array.isArray(subValue)) axes.push({ name: `${key}.${sub}`, values: subValue as Scalar[] });
        else fixed[`${key}.${sub}`] = subValue as Scalar;
      }
    } else {
      fixed[key] = value as Scalar;
    }
  }
  const axisNames = axes.map((a) => a.name);
  exclude.forEach((row, i) => checkRowKeys(row, axisNames, ['exclude', i], report, 'exclude'));

  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total * limits.runsPerVariant > limits.maxRuns) {
    const runs = limits.runsPerVariant > 1 ? ` (${(total * limits.runsPerVariant).toLocaleString('en')} runs with modes and repetitions)` : '';
    report([], `the axes make ${total.toLocaleString('en')} combinations${runs}, more than the limit of ${limits.maxRuns.toLocaleString('en')} runs`, 'remove values, or raise the limit with --max-runs N');
    return { axes, fixed, variants: [] };
  }
  const all = cartesian(axes);
  let combos = exclude.length > 0 ? all.filter((combo) => !exclude.some((row) => rowMatches(combo, row))) : all;
  if (exclude.length > 0 && combos.length === 0 && include.length === 0) {
    report(['exclude'], `\`exclude\` removes all ${all.length} combinations: no run is left`, 'exclude fewer rows');
  }
  const added = new Set<string>();
  if (include.length > 0) {
    combos = applyInclude(axes.length === 0 ? [] : combos, include, new Set(axisNames), added);
  }
  const labelKeys = [...axisNames, ...[...added].filter((k) => !axisNames.includes(k))];
  const variants = new Map<string, Variant>();
  for (const combo of combos) {
    const label = labelKeys.filter((k) => k in combo).map((k) => `${k}=${String(combo[k])}`).join(',') || 'default';
    if (!variants.has(label)) variants.set(label, { params: { ...fixed, ...combo }, label, slug: slugify(label) });
  }
  return { axes, fixed, variants: [...variants.values()] };
}

// Flatten include/exclude rows: `{rate_scan: {samples_per_core: 500}}` → `rate_scan.samples_per_core`.
function readMatrixRows(value: unknown, path: KeyPath, report: ReportIssue): Row[] {
  if (!Array.isArray(value)) {
    report(path, `\`${String(path[0])}\` must be a list of mappings (as in a GitHub Actions matrix)`);
    return [];
  }
  const rows: Row[] = [];
  value.forEach((entry, i) => {
    if (!isMapping(entry)) {
      report([...path, i], 'each entry must be a mapping of parameter names to values');
      return;
    }
    const row: Row = {};
    for (const [k, v] of Object.entries(entry)) {
      if (isMapping(v)) for (const [sub, sv] of Object.entries(v)) row[`${k}.${sub}`] = sv as Scalar;
      else if (isScalar(v)) row[k] = v;
      else report([...path, i, k], 'matrix values must be scalars');
    }
    rows.push(row);
  });
  return rows;
}

function checkRowKeys(row: Row, axisNames: string[], path: KeyPath, report: ReportIssue, what: string): void {
  for (const key of Object.keys(row)) {
    if (!axisNames.includes(key)) {
      report([...path, key.split('.')[0]!], `${what} names \`${key}\`, which is not a parameter axis`, suggestionHint(key, axisNames));
    }
  }
}

function cartesian(axes: Axis[]): Row[] {
  let rows: Row[] = [{}];
  for (const axis of axes) rows = rows.flatMap((row) => axis.values.map((v) => ({ ...row, [axis.name]: v })));
  return rows;
}

const same = (a: Scalar | undefined, b: Scalar): boolean => a !== undefined && String(a) === String(b);

function rowMatches(combo: Row, row: Row): boolean {
  return Object.entries(row).every(([k, v]) => same(combo[k], v));
}

// GitHub semantics: an include row extends every combination whose original axis values it does
// not contradict (later rows may overwrite added values); a row that fits none becomes a new one.
function applyInclude(combos: Row[], include: Row[], axisNames: Set<string>, added: Set<string>): Row[] {
  const out = combos.map((c) => ({ ...c }));
  for (const row of include) {
    let fitted = false;
    for (const combo of out.slice(0, combos.length)) {
      const conflicts = Object.entries(row).some(([k, v]) => axisNames.has(k) && !same(combo[k], v));
      if (conflicts) continue;
      fitted = true;
      for (const [k, v] of Object.entries(row)) {
        if (!axisNames.has(k)) {
          combo[k] = v;
          added.add(k);
        }
      }
    }
    if (!fitted) {
      out.push({ ...row });
      Object.keys(row).forEach((k) => added.add(k));
    }
  }
  return out;
}

// File-name-safe variant name; long ones are shortened with a hash to stay unique.
export function slugify(label: string): string {
  const slug = label.replace(/=/g, '-').replace(/,/g, '_').replace(/[^A-Za-z0-9._-]/g, '_');
  return slug.length <= 64 ? slug : `${slug.slice(0, 52)}_${hashValue(label, 10)}`;
}
