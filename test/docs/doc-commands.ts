// The doc-test extractor: every shell command shown in README.md and docs/*.md, with the promise written
// next to it. Commands come from ```bash fenced blocks and from the first column of the everyday-commands
// table (a table whose header row starts with `| Command |`). A promise is an HTML comment right above a
// block (or in the row's last cell):
//
//   <!-- doctest: exit=0 creates=reports/summary.json prints="suite execution" sets="ID=suite execution (\S+)" -->
//
// exit     expected exit code (default 0)
// prints   text the output (stdout + stderr) must contain; repeatable
// creates  a path (relative to the project) that must exist afterwards; repeatable
// sets     NAME=REGEX: group 1 of REGEX on the output becomes $NAME for the page's later commands
// timeout  seconds (default 300)
//
// A block fenced ```bash not-in-ci (a table row: `not-in-ci` in the comment) is shown but not run: the
// paragraph right after it (the row's description) must name, as inline code, a command that is run.

/** One promise, parsed from a `<!-- doctest: … -->` comment. */
export interface DocPromise {
  exit: number;
  prints: string[];
  creates: string[];
  sets: { name: string; pattern: RegExp }[];
  timeoutS: number;
}

/** One command (or a block of them, run as one bash script) found in a markdown file. */
export interface DocCommand {
  file: string;
  /** 1-based line of the block's first command or of the table row. */
  line: number;
  /** The script: the block's lines, or the table cell's command. */
  script: string;
  /** Commands in the script (non-empty, non-comment lines; `\` continuations joined). */
  count: number;
  /** Not run: shown only; `insteadOf` names the command that is run instead. */
  notInCi: boolean;
  /** For a not-in-ci command: the inline code spans of the text right after it. */
  namedInstead: string[];
  promise: DocPromise;
}

/** A markdown problem the doc-test reports instead of running anything. */
export class DocTestSyntaxError extends Error {
  override name = 'DocTestSyntaxError';
}

const ANNOTATION = /<!--\s*doctest:(.*?)-->/;
const KEY_VALUE = /([a-z-]+)(?:=("((?:[^"\\]|\\.)*)"|\S+))?/g;

// Parse the body of a `<!-- doctest: … -->` comment; `where` is file:line for messages.
export function parsePromise(body: string, where: string): { promise: DocPromise; notInCi: boolean } {
  const promise: DocPromise = { exit: 0, prints: [], creates: [], sets: [], timeoutS: 300 };
  let notInCi = false;
  for (const m of body.matchAll(KEY_VALUE)) {
    const key = m[1]!;
    const value = m[3] !== undefined ? m[3].replace(/\\(["\\])/g, '$1') : m[2];
    const need = (): string => {
      if (value === undefined || value === '') throw new DocTestSyntaxError(`${where}: doctest key \`${key}\` needs a value (${key}=…)`);
      return value;
    };
    switch (key) {
      case 'exit': {
        const n = Number(need());
        if (!Number.isInteger(n) || n < 0 || n > 255) throw new DocTestSyntaxError(`${where}: doctest exit=${value}: an exit code is an integer 0–255`);
        promise.exit = n;
        break;
      }
      case 'prints':
        promise.prints.push(need());
        break;
      case 'creates':
        promise.creates.push(need());
        break;
      case 'sets': {
        const v = need();
        const eq = v.indexOf('=');
        if (eq <= 0 || !/^[A-Z_][A-Z0-9_]*$/.test(v.slice(0, eq))) throw new DocTestSyntaxError(`${where}: doctest sets="${v}": write sets="NAME=REGEX" (NAME in capitals)`);
        promise.sets.push({ name: v.slice(0, eq), pattern: new RegExp(v.slice(eq + 1)) });
        break;
      }
      case 'timeout':
        promise.timeoutS = Number(need());
        if (!(promise.timeoutS > 0)) throw new DocTestSyntaxError(`${where}: doctest timeout=${value}: seconds, above 0`);
        break;
      case 'not-in-ci':
        notInCi = true;
        break;
      default:
        throw new DocTestSyntaxError(`${where}: unknown doctest key \`${key}\` (known: exit, prints, creates, sets, timeout, not-in-ci)`);
    }
  }
  return { promise, notInCi };
}

// Commands of a script: non-empty lines that are not comments, `\` continuations joined, here-document
// bodies skipped (they are a command's input).
function countCommands(script: string): number {
  let count = 0;
  let heredocEnd: string | undefined;
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) {
    if (heredocEnd !== undefined) {
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    count++;
    heredocEnd = /<<-?\s*['"]?(\w+)['"]?/.exec(line)?.[1];
  }
  return count;
}

// Inline code spans of a piece of markdown.
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
}

// Split a table row into cells (no escaped pipes inside code: `\|` is kept as a literal pipe).
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Every command of one markdown file, in order. */
export function extractCommands(file: string, markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const out: DocCommand[] = [];
  let pending: { body: string; line: number } | undefined;
  let inTable = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const where = `${file}:${i + 1}`;
    const fence = /^(\s*)```(?!`)(\S*)\s*(.*)$/.exec(line);
    if (fence) {
      const info = fence[2]!;
      const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
      if (end < 0) throw new DocTestSyntaxError(`${where}: a code block that is never closed`);
      if (info === 'bash') {
        const extra = fence[3]!.trim();
        if (extra !== '' && extra !== 'not-in-ci') throw new DocTestSyntaxError(`${where}: \`\`\`bash ${extra}: the only word after bash is not-in-ci`);
        const parsed = pending ? parsePromise(pending.body, `${file}:${pending.line}`) : { promise: parsePromise('', where).promise, notInCi: false };
        const notInCi = extra === 'not-in-ci' || parsed.notInCi;
        const script = lines.slice(i + 1, end).map((l) => l.slice(fence[1]!.length)).join('\n');
        let namedInstead: string[] = [];
        if (notInCi) {
          // The paragraph right after the block (up to the next blank line after some text).
          const after: string[] = [];
          for (let j = end + 1; j < lines.length; j++) {
            if (lines[j]!.trim() === '' && after.length > 0) break;
            if (lines[j]!.trim() !== '') after.push(lines[j]!);
          }
          namedInstead = codeSpans(after.join(' '));
        }
        out.push({ file, line: i + 2, script, count: countCommands(script), notInCi, namedInstead, promise: parsed.promise });
      } else if (pending) {
        throw new DocTestSyntaxError(`${file}:${pending.line}: a doctest comment above a \`\`\`${info} block (only \`\`\`bash blocks run)`);
      }
      pending = undefined;
      i = end;
      continue;
    }
    const note = ANNOTATION.exec(line);
    if (/^\s*\|/.test(line)) {
      const row = cells(line);
      if (/^Command$/i.test(row[0] ?? '')) {
        inTable = true;
        continue;
      }
      if (!inTable || /^-+$/.test(row[0] ?? '')) continue;
      const command = /^`([^`]+)`$/.exec(row[0] ?? '');
      if (!command) throw new DocTestSyntaxError(`${where}: an everyday-commands row whose first cell is not one \`command\``);
      const parsed = parsePromise(note ? note[1]! : '', where);
      const described = row.slice(1).join(' ').replace(ANNOTATION, '');
      out.push({ file, line: i + 1, script: command[1]!, count: 1, notInCi: parsed.notInCi, namedInstead: parsed.notInCi ? codeSpans(described).filter((c) => c !== command[1]) : [], promise: parsed.promise });
      continue;
    }
    inTable = false;
    if (note) pending = { body: note[1]!, line: i + 1 };
    else if (line.trim() !== '') pending = undefined;
  }
  if (pending) throw new DocTestSyntaxError(`${file}:${pending.line}: a doctest comment with no \`\`\`bash block after it`);
  return out;
}

/**
 * Problems of a set of commands as a whole: a not-in-ci command must name, right after it, a command
 * that is run (exactly as written in some runnable block or row). Returns one message per problem.
 */
export function checkCounterparts(commands: readonly DocCommand[]): string[] {
  const runnable = new Set(commands.filter((c) => !c.notInCi).flatMap((c) => c.script.split('\n').map((l) => l.trim())));
  return commands
    .filter((c) => c.notInCi)
    .filter((c) => !c.namedInstead.some((n) => runnable.has(n)))
    .map((c) => `${c.file}:${c.line}: not-in-ci command \`${c.script.split('\n')[0]}\` names no tested command right after it (name one, as \`code\`, that a bash block or table row runs; named: ${c.namedInstead.map((n) => `\`${n}\``).join(', ') || 'none'})`);
}
