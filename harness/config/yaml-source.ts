import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './config-error.ts';
import { formatKeyPath } from './config-error.ts';

export type KeyPath = readonly (string | number)[];

export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed YAML file that can say where any key path came from. */
export class YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  // Parse text as one YAML document; syntax errors become issues with positions.
  static parse(file: string, text: string): { source: YamlSource; issues: ConfigIssue[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(file, doc, lines);
    const issues: ConfigIssue[] = doc.errors.map((err) => {
      const pos = lines.linePos(err.pos[0]);
      return { file, line: pos.line, column: pos.col, keyPath: '', message: `YAML syntax error: ${firstLine(err.message)}` };
    });
    return { source, issues };
  }

  // Read and parse a file; a missing file is the caller's to report (it knows who referenced it).
  static read(file: string, displayName = file): { source: YamlSource; issues: ConfigIssue[] } {
    return YamlSource.parse(displayName, readFileSync(file, 'utf8'));
  }

  // The document as plain JavaScript (maps → objects, sequences → arrays).
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  has(path: KeyPath): boolean {
    return this.doc.hasIn(path);
  }

  /**
   * Position of a key path: the key itself when `pointAtKey` (unknown keys), else its value.
   * Falls back to the nearest ancestor that exists, so every issue gets a real line.
   */
  locate(path: KeyPath, pointAtKey = false): SourcePosition {
    for (let depth = path.length; depth >= 0; depth--) {
      const prefix = path.slice(0, depth);
      const offset = this.offsetOf(prefix, pointAtKey && depth === path.length);
      if (offset !== undefined) {
        const pos = this.lines.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  }

  // Build an issue at a key path of this file.
  issueAt(path: KeyPath, message: string, opts: { hint?: string; pointAtKey?: boolean } = {}): ConfigIssue {
    const pos = this.locate(path, opts.pointAtKey);
    const issue: ConfigIssue = { file: this.file, line: pos.line, column: pos.column, keyPath: formatKeyPath(path), message };
    if (opts.hint) issue.hint = opts.hint;
    return issue;
  }

  private offsetOf(path: KeyPath, pointAtKey: boolean): number | undefined {
    if (path.length === 0) return (this.doc.contents as Node | null)?.range?.[0];
    if (pointAtKey) {
      const parent = this.doc.getIn(path.slice(0, -1), true);
      const last = path[path.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return keyNode.range[0];
      }
    }
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node && (isScalar(node) || isMap(node) || isSeq(node)) && node.range) return node.range[0];
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
