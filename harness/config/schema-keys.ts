import { z } from 'zod';

type Path = readonly (string | number)[];

// Strip wrappers (optional, default, refinements, pipes) to reach the structural schema.
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let i = 0; i < 20; i++) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
  return current;
}

// The object schemas a key path may land on (several when a union is involved).
function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  let frontier: z.ZodType[] = [unwrap(schema)];
  for (const part of path) {
    const next: z.ZodType[] = [];
    const expand = (s: z.ZodType): void => {
      const u = unwrap(s);
      if (u instanceof z.ZodUnion) for (const o of u.options) expand(o as z.ZodType);
      else if (u instanceof z.ZodObject && typeof part === 'string' && part in u.shape) next.push(unwrap(u.shape[part] as z.ZodType));
      else if (u instanceof z.ZodArray && typeof part === 'number') next.push(unwrap(u.element as z.ZodType));
      else if (u instanceof z.ZodRecord) next.push(unwrap(u.valueType as z.ZodType));
    };
    frontier.forEach(expand);
    frontier = next;
  }
  return frontier;
}

// Keys allowed at a path of a schema, for "did you mean" on unknown keys.
export function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  const keys = new Set<string>();
  const collect = (s: z.ZodType): void => {
    const u = unwrap(s);
    if (u instanceof z.ZodUnion) u.options.forEach((o) => collect(o as z.ZodType));
    else if (u instanceof z.ZodObject) Object.keys(u.shape).forEach((k) => keys.add(k));
  };
  schemasAt(schema, path).forEach(collect);
  return [...keys];
}
