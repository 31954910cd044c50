import { parse } from 'shell-quote';
import { HarnessError } from '../errors/harness-error.ts';

/** A command string that needs a shell to mean what it says (pipes, `;`, redirections, comments). */
export class ShellSyntaxError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'ShellSyntaxError';
}

const SHELL_HINT = 'commands run without a shell; write ["sh", "-c", "…"] to use shell syntax';

// Check what shell-quote would silently accept or change, and escape `$` so it stays verbatim:
// an unterminated quote, an unquoted `#` starting a word (a shell comment would swallow the rest of
// a folded `>-` command), and `$NAME` / `${NAME}` (no shell expands them; shell-quote would turn
// `${HOME}x` into `$HOMEx`).
function escapeDollars(command: string): string {
  let out = '';
  let quote: '' | "'" | '"' = '';
  let quoteStart = 0;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      out += c;
      continue;
    }
    if (c === '\\') {
      out += c + (command[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '$') {
      out += '\\$';
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      out += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      quoteStart = i;
    } else if (c === '#') {
      if (i === 0 || /\s/.test(command[i - 1]!)) throw new ShellSyntaxError(`\`#\` at column ${i + 1} would start a shell comment: ${SHELL_HINT}, or quote it ('#')`);
      // Inside a word a shell keeps `#` literal; shell-quote would start a comment there.
      out += '\\#';
      continue;
    }
    out += c;
  }
  if (quote) throw new ShellSyntaxError(`unterminated ${quote === '"' ? 'double' : 'single'} quote opened at column ${quoteStart + 1}`);
  return out;
}

// Split a command string into argv like a shell would, without running one: quotes are honoured,
// `$VAR` stays literal (the process sees it verbatim), operators, comments and unterminated quotes
// are rejected, and an empty command is an error.
export function splitCommand(command: string | readonly string[]): string[] {
  const argv = Array.isArray(command) ? [...(command as readonly string[])] : splitString(command as string);
  if (argv.length === 0 || argv[0]!.trim() === '') throw new ShellSyntaxError('the command is empty: name the program to run');
  return argv;
}

function splitString(command: string): string[] {
  const tokens = parse(escapeDollars(command));
  return tokens.map((token) => {
    if (typeof token === 'string') return token;
    if ('op' in token && token.op === 'glob') return token.pattern;
    if ('op' in token) throw new ShellSyntaxError(`\`${token.op}\` needs a shell: ${SHELL_HINT}`);
    throw new ShellSyntaxError(`a shell comment needs a shell: ${SHELL_HINT}`);
  });
}
