import { HarnessError } from '../errors/harness-error.ts';
type Json = unknown;

// Keys that would reach Object.prototype through plain objects. Descriptors reject them at load
// (config/yaml-compose.ts); data merged from elsewhere (artifacts, flags) is guarded here as well.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** A merge or path that names a prototype key. */
export class PrototypeKeyError extends HarnessError {
  readonly failureKind = 'config' as const;
  constructor(readonly key: string) {
    super(`\`${key}\` cannot be used as a key (it would reach JavaScript's object prototype)`);
    this.name = 'PrototypeKeyError';
  }
}

function checkKey(key: string): void {
  if (FORBIDDEN.has(key)) throw new PrototypeKeyError(key);
}

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Deep-merge mappings; lists and scalars of `over` replace those of `base` (docs/suites.md: Expansion semantics, override merge).
export function deepMerge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over) as T;
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    checkKey(key);
    out[key] = Object.hasOwn(out, key) ? deepMerge(out[key], value) : structuredClone(value);
  }
  return out as T;
}

// Set a dotted path (`workload.server.env.X`) in a nested object, creating mappings on the way.
export function setPath(target: Record<string, Json>, path: readonly string[], value: Json): void {
  let node = target;
  path.forEach((key, i) => {
    checkKey(key);
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    if (!isPlainObject(node[key]) || !Object.hasOwn(node, key)) node[key] = {};
    node = node[key] as Record<string, Json>;
  });
}

