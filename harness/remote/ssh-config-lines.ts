import { HarnessError } from '../errors/harness-error.ts';
// ssh_config(5) line syntax, as OpenSSH's readconf.c reads it: `Keyword value…` or `Keyword=value…`,
// double or single quotes around arguments with spaces, `#` at the start of a word ends the line.

/** A bad ssh_config file or value; the message names file:line (several problems, one per line). */
export class SshConfigError extends HarnessError {
  readonly failureKind = 'config' as const;
  override name = 'SshConfigError';
}

/** One directive of an ssh_config file, where it was written. */
export interface ConfigLine {
  /** Lower-cased keyword (`hostname`, `include`, …). */
  keyword: string;
  /** As written, for messages. */
  keywordAsWritten: string;
  args: string[];
  file: string;
  /** 1-based. */
  line: number;
}

// Every directive of a file's text; syntax problems are appended to `problems` as `file:line: …`.
export function parseConfigLines(text: string, file: string, problems: string[]): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    const m = /^\s*([^\s=#][^\s=]*)(?:\s*=\s*|\s+|$)(.*)$/s.exec(raw.trimEnd());
    if (!m) return; // blank or comment
    const [, keyword, rest] = m as unknown as [string, string, string];
    const args = splitArgs(rest);
    if (args === null) return void problems.push(`${where}: ${keyword}: unbalanced quotes`);
    if (args.length === 0) return void problems.push(`${where}: ${keyword} has no argument`);
    out.push({ keyword: keyword.toLowerCase(), keywordAsWritten: keyword, args, file, line: i + 1 });
  });
  return out;
}

// OpenSSH's argv_split with comments: whitespace separates, quotes group, `\"` `\'` `\\` and an
// escaped space are literal, `#` at the start of an unquoted word ends the line. null: open quote.
export function splitArgs(s: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length || s[i] === '#') break;
    let arg = '';
    let quote: string | null = null;
    for (; i < s.length; i++) {
      const c = s[i]!;
      const next = s[i + 1];
      if (!quote && /\s/.test(c)) break;
      if (c === '\\' && next !== undefined && (next === '"' || next === "'" || next === '\\' || (!quote && next === ' '))) {
        arg += next;
        i++;
      } else if (quote ? c === quote : c === '"' || c === "'") {
        quote = quote ? null : c;
      } else arg += c;
    }
    if (quote) return null;
    args.push(arg);
  }
  return args;
}
