import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './config-error.ts';
import { formatKeyPath } from './config-error.ts';
import { READ_LIMITS, readFileBounded, UnsafeFileError } from '../util/safe-file.ts';
import { composeYaml } from './yaml-compose.ts';
import { decodeUtf8Text } from './utf8-text.ts';

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
  /** The document as JavaScript, composed once (see yaml-compose.ts). */
  private readonly value: unknown;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter, value: unknown) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
    this.value = value;
  }

  // Parse text as one YAML document; syntax errors, duplicate and prototype keys, NUL bytes and
  // bad aliases become issues with positions. Linear in the size of the text.
  static parse(file: string, text: string): { source: YamlSource; issues: ConfigIssue[] } {
    const lines = new LineCounter();
    let doc: Document.Parsed;
    try {
      // uniqueKeys is checked by composeYaml with a set per mapping (the package's check is quadratic).
      doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    } catch (err) {
      // The parser recurses per nesting level: a pathological nesting exhausts the stack.
      const empty = parseDocument('', { lineCounter: new LineCounter() });
      return { source: new YamlSource(file, empty, new LineCounter(), null), issues: [{ file, line: 1, column: 1, keyPath: '', message: `YAML cannot be parsed: ${(err as Error).message}` }] };
    }
    const issues: ConfigIssue[] = doc.errors.map((err) => {
      const pos = lines.linePos(err.pos[0]);
      return { file, line: pos.line, column: pos.col, keyPath: '', message: `YAML syntax error: ${firstLine(err.message)}` };
    });
    const composed = issues.length === 0 ? composeYaml(doc, lines, file) : { value: null, issues: [] };
    return { source: new YamlSource(file, doc, lines, composed.value), issues: [...issues, ...composed.issues] };
  }

  // Read and parse a file (a regular file of bounded size, valid UTF-8 without NUL bytes); a missing
  // file is the caller's to report (it knows who referenced it).
  static read(file: string, displayName = file): { source: YamlSource; issues: ConfigIssue[] } {
    let bytes: Buffer;
    try {
      bytes = readFileBounded(file, { maxBytes: READ_LIMITS.yaml, what: 'YAML file' });
    } catch (err) {
      if (!(err instanceof UnsafeFileError)) throw err;
      return YamlSource.failed(displayName, { file: displayName, line: 0, column: 0, keyPath: '', message: err.reason });
    }
    const decoded = decodeUtf8Text(bytes);
    if ('error' in decoded) return YamlSource.failed(displayName, { file: displayName, line: decoded.line, column: decoded.column, keyPath: '', message: decoded.error });
    return YamlSource.parse(displayName, decoded.text);
  }

  private static failed(file: string, issue: ConfigIssue): { source: YamlSource; issues: ConfigIssue[] } {
    return { source: YamlSource.parse(file, '').source, issues: [issue] };
  }

  // The document as plain JavaScript (maps → objects, sequences → arrays): a fresh copy per call,
  // since callers merge into it.
  toJS(): unknown {
    return this.value === null || typeof this.value !== 'object' ? this.value : structuredClone(this.value);
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
