type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Deep-merge mappings; lists and scalars of `over` replace those of `base` (README: Expansion semantics, override merge).
export function deepMerge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over) as T;
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = key in out ? deepMerge(out[key], value) : structuredClone(value);
  }
  return out as T;
}

// Set a dotted path (`workload.server.env.X`) in a nested object, creating mappings on the way.
export function setPath(target: Record<string, Json>, path: readonly string[], value: Json): void {
  let node = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, Json>;
  });
}

