import { parse } from 'shell-quote';

/** A command string that needs a shell to mean what it says (pipes, `;`, redirections). */
export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
}

// Split a command string into argv like a shell would, without running one: quotes are honoured,
// `$VAR` stays literal (the process sees it verbatim), operators are rejected.
export function splitCommand(command: string | readonly string[]): string[] {
  if (Array.isArray(command)) return [...command];
  const tokens = parse(command as string, (name) => `$${name}`);
  return tokens.map((token) => {
    if (typeof token === 'string') return token;
    if ('op' in token && token.op === 'glob') return token.pattern;
    if ('op' in token) {
      throw new ShellSyntaxError(
        `\`${token.op}\` needs a shell: commands run without one; write ["sh", "-c", "…"] to use shell syntax`,
      );
    }
    return String((token as { comment?: string }).comment ?? '');
  });
}
