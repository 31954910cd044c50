// Shell quoting for display and, later, for remote execution over ssh (a POSIX shell reads it).

// Characters no POSIX shell treats specially inside a word. `{}` (brace expansion), `~` (home),
// `*?[` (globs), `!` (history) and `#` (comments) are deliberately absent.
const SAFE_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

export interface QuoteOptions {
  /**
   * Leave a leading `~/` bare so the (remote) shell expands it to the home directory.
   * @default false
   */
  expandHome?: boolean;
}

// One argument as a shell word: bare when safe, else single-quoted with `'` written as `'\''`.
export function quoteArg(arg: string, opts: QuoteOptions = {}): string {
  if (opts.expandHome && (arg === '~' || arg.startsWith('~/'))) {
    const rest = arg.slice(2);
    return rest ? `~/${quoteArg(rest)}` : arg.length === 1 ? '~' : '~/';
  }
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

// argv rendered as one shell command line, e.g. `node server.ts --name 'a b'`.
export function quoteArgv(argv: readonly string[], opts: QuoteOptions = {}): string {
  return argv
    .map((arg, i) => {
      const word = quoteArg(arg, opts);
      // A bare `X=y` first word would be read as a variable assignment, not the program.
      return i === 0 && word === arg && arg.includes('=') ? `'${arg}'` : word;
    })
    .join(' ');
}
