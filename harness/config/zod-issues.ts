import type { z } from 'zod';
import type { ConfigIssue } from './config-error.ts';
import { suggestionHint } from './suggest.ts';
import { knownKeysAt } from './schema-keys.ts';
import type { KeyPath, YamlSource } from './yaml-source.ts';

/**
 * Where the values of a validated object came from. Layers are ordered lowest precedence
 * first; the highest layer that holds a path is blamed for a problem at that path.
 */
export interface SourceLayer {
  source: YamlSource;
  /** Maps a path of the validated object to a path in `source`, or null if this layer does not hold it. */
  toSourcePath(path: KeyPath): KeyPath | null;
}

// A layer that holds the subtree under `objectPrefix` at `sourcePrefix` of a file.
export function prefixLayer(source: YamlSource, objectPrefix: KeyPath, sourcePrefix: KeyPath): SourceLayer {
  return {
    source,
    toSourcePath(path) {
      if (objectPrefix.some((p, i) => path[i] !== p)) return null;
      return [...sourcePrefix, ...path.slice(objectPrefix.length)];
    },
  };
}

// Find the layer and source path that provided `path` (or its nearest provided ancestor).
function blame(layers: readonly SourceLayer[], path: KeyPath): { layer: SourceLayer; sourcePath: KeyPath } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      const sourcePath = layer.toSourcePath(prefix);
      if (sourcePath && layer.source.has(sourcePath)) {
        return { layer, sourcePath: [...sourcePath, ...path.slice(depth)] };
      }
    }
  }
  const last = layers[layers.length - 1];
  return last ? { layer: last, sourcePath: last.toSourcePath([]) ?? [] } : undefined;
}

// Turn zod issues into positioned issues; unknown keys get "did you mean".
export function zodIssuesToConfigIssues(
  error: z.ZodError,
  schema: z.ZodType,
  layers: readonly SourceLayer[],
  fallbackFile: string,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const at = (path: KeyPath, message: string, hint?: string, pointAtKey = false): void => {
    const found = blame(layers, path);
    if (!found) {
      out.push({ file: fallbackFile, line: 1, column: 1, keyPath: path.join('.'), message, ...(hint ? { hint } : {}) });
      return;
    }
    out.push(found.layer.source.issueAt(found.sourcePath, message, { ...(hint ? { hint } : {}), pointAtKey }));
  };
  const visit = (issues: readonly z.core.$ZodIssue[], base: KeyPath): void => {
    for (const issue of issues) {
      const path = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) at([...path, key], `unknown key \`${key}\``, suggestionHint(key, known), true);
      } else if (issue.code === 'invalid_value' && 'values' in issue) {
        const values = (issue.values as unknown[]).map(String);
        at(path, `must be one of ${values.map((v) => `\`${v}\``).join(', ')}`);
      } else if (issue.code === 'invalid_union') {
        // Report the problems of the branch whose type matched: that is what the user meant.
        const matched = issue.errors.filter((branch) => !branch.some((s) => s.code === 'invalid_type' && s.path.length === 0));
        if (matched.length > 0) visit(matched.reduce((a, b) => (b.length < a.length ? b : a)), path);
        else at(path, describeUnionFailure(issue));
      } else if (issue.code === 'invalid_key') {
        // A record key that fails its own schema (env names): the key's message, at the key.
        const key = path[path.length - 1];
        const inner = issue.issues[0]?.message ?? issue.message;
        at(path, `key \`${String(key)}\`: ${inner}`, undefined, true);
      } else if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
        at(path, `missing required key \`${String(path[path.length - 1])}\``);
      } else {
        at(path, issue.message.replace(/^Invalid input: /, ''));
      }
    }
  };
  visit(error.issues, []);
  return out;
}

function describeUnionFailure(issue: z.core.$ZodIssueInvalidUnion): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    for (const sub of branch) if (sub.code === 'invalid_type' && sub.path.length === 0) expected.add(String(sub.expected));
  }
  if (expected.size > 0) return `expected ${[...expected].join(' or ')}`;
  return issue.message;
}
