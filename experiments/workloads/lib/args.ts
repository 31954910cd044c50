import { parseArgs } from 'node:util';

/** One command-line flag of a workload program. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in the usage line, e.g. `<n>`. @default '<value>' */
  placeholder?: string;
  /** Text shown by the usage line as the default; the program applies defaults itself. */
  defaultText?: string;
  required?: boolean;
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** A wrong, missing or unknown flag: the program prints `error: …; usage: …` and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected runtime failure (e.g. cannot connect): the program prints `error: …` and exits 1, no stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

interface NumberBounds {
  min?: number;
  max?: number;
}

/** Typed, validated access to parsed flag values; every accessor throws UsageError on bad input. */
export class Flags {
  constructor(private readonly values: Record<string, string | boolean | undefined>) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  string(name: string, fallback?: string): string {
    const v = this.values[name];
    if (typeof v === 'string') return v;
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }

  optionalString(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  boolean(name: string): boolean {
    return this.values[name] === true;
  }

  number(name: string, fallback?: number, bounds: NumberBounds = {}): number {
    const raw = this.values[name];
    if (raw === undefined && fallback !== undefined) return fallback;
    const text = this.string(name);
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${text}'`);
    checkBounds(name, n, bounds);
    return n;
  }

  int(name: string, fallback?: number, bounds: NumberBounds = {}): number {
    const n = this.number(name, fallback, bounds);
    if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} must be an integer, got '${this.values[name]}'`);
    return n;
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
    const v = this.string(name, fallback);
    if (!(choices as readonly string[]).includes(v)) {
      throw new UsageError(`--${name} must be one of ${choices.join('|')}, got '${v}'`);
    }
    return v as T;
  }
}

function checkBounds(name: string, n: number, { min, max }: NumberBounds): void {
  if (min !== undefined && n < min) throw new UsageError(`--${name} must be >= ${min}, got ${n}`);
  if (max !== undefined && n > max) throw new UsageError(`--${name} must be <= ${max}, got ${n}`);
}

// The one-line synopsis printed after every usage error.
export function formatSynopsis(command: string, specs: FlagSpecs): string {
  const parts = Object.entries(specs).map(([name, s]) => {
    const flag = s.type === 'boolean' ? `--${name}` : `--${name} ${s.placeholder ?? '<value>'}`;
    return s.required ? flag : `[${flag}]`;
  });
  return `${command} ${parts.join(' ')}`;
}

// The full help text for --help: synopsis, then one line per flag with its default.
export function formatHelp(command: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = s.type === 'boolean' ? `--${name}` : `--${name} ${s.placeholder ?? '<value>'}`;
    const def = s.defaultText !== undefined ? ` (default: ${s.defaultText})` : s.required ? ' (required)' : '';
    return `  ${flag.padEnd(28)} ${s.help}${def}`;
  });
  return `usage: ${formatSynopsis(command, specs)}\n\n${rows.join('\n')}\n`;
}

// Parse argv strictly (no positionals, no unknown flags), check required flags; throws UsageError.
export function parseFlags(specs: FlagSpecs, argv: readonly string[]): Flags {
  const options = Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, { type: s.type }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
  const missing = Object.entries(specs).filter(([name, s]) => s.required && values[name] === undefined);
  if (missing.length > 0) throw new UsageError(missing.map(([name]) => `--${name} is required`).join(', '));
  return new Flags(values);
}

// node's parseArgs messages are long and suggest `--` tricks; say what was wrong in a few words.
function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const flag = /'(-[^']*)'/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return flag ? `${flag.split(' ')[0]} needs a value` : (e.message ?? 'invalid flag value');
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message ?? '')?.[1] ?? ''}`.trim();
    default:
      return e.message ?? String(err);
  }
}

/**
 * Run a workload program: parse flags, call `main`, exit with its code. Usage errors exit 2 with a
 * one-line usage, CliErrors exit 1 with their message; anything else also prints its stack.
 */
export async function runCli(
  command: string,
  specs: FlagSpecs,
  main: (flags: Flags) => Promise<number>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<never> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(formatHelp(command, specs));
    process.exit(0);
  }
  let code: number;
  try {
    code = await main(parseFlags(specs, argv));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}; usage: ${formatSynopsis(command, specs)}\n`);
      code = 2;
    } else if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      code = 1;
    } else {
      const e = err instanceof Error ? err : new Error(String(err));
      process.stderr.write(`error: ${e.message}\n${e.stack ?? ''}\n`);
      code = 1;
    }
  }
  process.exit(code);
}
