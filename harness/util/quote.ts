import { quote } from 'shell-quote';

// argv rendered for display (and remote shells): safe words bare, everything else quoted.
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=@%+,{}-]+$/.test(a) ? a : quote([a]))).join(' ');
}
