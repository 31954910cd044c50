// Turn a parsed YAML document into plain JavaScript in one linear pass, checking what the yaml
// package either checks in quadratic time (duplicate keys), not at all (prototype keys, NUL bytes,
// aliases that contain their own anchor) or by throwing an unlocated error (alias bombs,
// unresolved aliases). Every problem becomes an issue at the node's line and column.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigIssue } from './config-error.ts';
import { formatKeyPath } from './config-error.ts';

/** Keys that would reach an object's prototype chain when merged into plain objects. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const YAML_LIMITS = {
  /** Alias nodes per document (descriptors need a handful). */
  aliases: 10_000,
  /** Nodes after expanding every alias: bounds the memory of anything that copies the value. */
  expandedNodes: 4_000_000,
  /** Nesting depth of mappings and sequences. */
  depth: 128,
} as const;

// Why a key (or any dotted part of it) cannot be used, or null.
export function forbiddenKeyReason(key: string): string | null {
  const bad = key.split('.').find((part) => FORBIDDEN_KEYS.has(part));
  return bad === undefined ? null : `\`${bad}\` cannot be used as a key or a part of a dotted name (it would reach JavaScript's object prototype)`;
}

type Path = (string | number)[];

/** A YAML document as JavaScript, with the problems found on the way. */
export interface ComposedYaml {
  value: unknown;
  issues: ConfigIssue[];
}

// Compose the document's contents; on any issue the value is still returned (best effort), but
// callers stop at the issues.
export function composeYaml(doc: Document.Parsed, lines: LineCounter, file: string): ComposedYaml {
  const issues: ConfigIssue[] = [];
  const issue = (node: Node | null | undefined, path: Path, message: string, hint?: string): void => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    issues.push({ file, line: pos.line, column: pos.col, keyPath: formatKeyPath(path), message, ...(hint ? { hint } : {}) });
  };
  const anchors = new Map<string, Node>();
  const onStack = new Set<Node>();
  const built = new Map<Node, unknown>();
  const sizes = new Map<Node, number>();
  let aliasCount = 0;
  let expanded = 0;
  let stopped = false;

  // Node count of a subtree with aliases expanded (memoized: linear in the document).
  const sizeOf = (node: Node): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let n = 1;
    if (isMap(node)) for (const p of node.items) n += (isPair(p) && p.value ? sizeOf(p.value as Node) : 0) + 1;
    else if (isSeq(node)) for (const item of node.items) n += item ? sizeOf(item as Node) : 1;
    else if (isAlias(node)) {
      const target = anchors.get(node.source);
      n = target && !onStack.has(target) ? (sizes.get(target) ?? 1) : 1;
    }
    sizes.set(node, n);
    return n;
  };

  const visit = (node: Node | null | undefined, path: Path, depth: number): unknown => {
    if (stopped || node === null || node === undefined) return null;
    if (depth > YAML_LIMITS.depth) {
      issue(node, path, `nested deeper than ${YAML_LIMITS.depth} levels`);
      stopped = true;
      return null;
    }
    if (isAlias(node)) {
      aliasCount += 1;
      const target = anchors.get(node.source);
      if (!target) {
        issue(node, path, `unresolved alias \`*${node.source}\``, `define the anchor \`&${node.source}\` before this line`);
        return null;
      }
      if (onStack.has(target)) {
        issue(node, path, `alias \`*${node.source}\` refers to the node that contains it (a cycle)`, 'an alias may only repeat a node defined before it, not one it is inside of');
        return null;
      }
      if (aliasCount > YAML_LIMITS.aliases) {
        issue(node, path, `more than ${YAML_LIMITS.aliases} aliases in one file`);
        stopped = true;
        return null;
      }
      expanded += sizeOf(target);
      if (expanded > YAML_LIMITS.expandedNodes) {
        issue(node, path, `aliases expand this file to more than ${YAML_LIMITS.expandedNodes} nodes (an alias bomb?)`, 'repeat fewer nodes through `*aliases`, or write the values out');
        stopped = true;
        return null;
      }
      return built.get(target) ?? null;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    expanded += 1;
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string' && v.includes('\0')) issue(node, path, 'contains a NUL byte (\\0), which no argument, path or name can hold');
      const out = typeof v === 'bigint' ? Number(v) : (v ?? null);
      built.set(node, out);
      sizes.set(node, 1);
      return out;
    }
    onStack.add(node);
    let out: unknown;
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      built.set(node, obj);
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        if (stopped) break;
        const keyNode = pair.key as Node | null;
        if (keyNode && !isScalar(keyNode)) {
          issue(keyNode, path, 'keys must be plain words or numbers, not mappings, lists or aliases');
          continue;
        }
        const raw = keyNode ? keyNode.value : null;
        const key = raw === null || raw === undefined ? '' : String(raw);
        const keyPath = [...path, key];
        if (key.includes('\0')) issue(keyNode, keyPath, 'key contains a NUL byte (\\0)');
        const forbidden = forbiddenKeyReason(key);
        if (forbidden) {
          issue(keyNode, keyPath, forbidden, 'rename the key');
          continue;
        }
        const first = seen.get(key);
        if (first) {
          const at = lines.linePos(first.range?.[0] ?? 0);
          issue(keyNode, keyPath, `duplicate key \`${key}\` (first at line ${at.line})`, 'a key may appear once per mapping; merge the two');
          continue;
        }
        if (keyNode) seen.set(key, keyNode);
        obj[key] = visit(pair.value as Node | null, keyPath, depth + 1);
      }
      out = obj;
    } else if (isSeq(node)) {
      const arr: unknown[] = [];
      built.set(node, arr);
      node.items.forEach((item, i) => {
        if (!stopped) arr.push(visit(item as Node | null, [...path, i], depth + 1));
      });
      out = arr;
    } else {
      out = null;
    }
    onStack.delete(node);
    sizeOf(node);
    return out;
  };

  const value = visit(doc.contents as Node | null, [], 0);
  return { value, issues };
}
