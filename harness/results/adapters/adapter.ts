// What every result adapter is and shares (docs/load-tools.md "Adding an adapter"): it gets the
// tool's output and command line, returns generator-metrics fields, and says what the tool cannot
// tell in `unavailable` instead of guessing.
import path from 'node:path';
import type { ResultsConfig } from '../../config/schema/results.ts';
import type { GeneratorMetrics } from '../generator-metrics-schema.ts';

/** What an adapter reads. */
export interface AdapterInput<C extends ResultsConfig = ResultsConfig> {
  /** The tool's output: the client log, or the file it wrote. */
  text: string;
  /** Where `text` came from (absolute), for messages. */
  source: string;
  /** The client's command as run (a pinning wrapper may come first: use toolArgs). */
  argv: readonly string[];
  /** The client's working directory (relative paths in its command are relative to it). */
  cwd: string;
  /** The client's `results:` stanza. */
  options: C;
  /** When the client process started (ISO) and how long it ran: the window when the tool says nothing finer. */
  startedAt: string;
  durationMs: number;
}

/** A tool's output turned into generator-metrics fields (format_version, adapter, window added by the caller when absent). */
export type AdapterOutput = GeneratorMetrics;

export interface ResultAdapter<C extends ResultsConfig = ResultsConfig> {
  /** Which client log/file it reads when `results.file` is not given: the log, or a file named by one of the tool's flags. */
  sourceFile?(argv: readonly string[], cwd: string): string | undefined;
  parse(input: AdapterInput<C>): AdapterOutput;
}

/** Output an adapter cannot read: the file, the line and what it expected there. */
export class AdapterParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}:${line}: expected ${expected}; ${found}`);
    this.name = 'AdapterParseError';
  }
}

// The arguments after the tool's own program name (skipping a taskset/numactl wrapper); all of argv when absent.
export function toolArgs(argv: readonly string[], tool: string): readonly string[] {
  const i = argv.findIndex((a) => path.basename(a) === tool);
  return i >= 0 ? argv.slice(i + 1) : argv;
}

// The value of a flag: `-n 100`, `-n100` (single-letter flags), `--rate 10`, `--rate=10`; undefined when absent.
export function flagValue(args: readonly string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === n) return args[i + 1];
      if (n.startsWith('--') && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      if (!n.startsWith('--') && n.length === 2 && a.startsWith(n) && a.length > 2) return a.slice(2);
    }
  }
  return undefined;
}

/** A line of the output that matched, with its 1-based number. */
export interface LineMatch {
  groups: string[];
  line: number;
}

// The first line matching `re` (its capture groups), or an AdapterParseError naming the end of the output.
export function requireLine(input: Pick<AdapterInput, 'text' | 'source'>, re: RegExp, expected: string): LineMatch {
  const found = findLine(input.text, re);
  if (found) return found;
  const lines = input.text.split('\n');
  // Progress lines redraw themselves with \r: the last thing the tool printed is after the last one.
  const last = lines.flatMap((l) => l.split('\r')).filter((l) => l.trim()).at(-1)?.trim();
  throw new AdapterParseError(input.source, lines.length, expected, last === undefined ? 'the output is empty' : `no such line before the end of the output (last line: ${JSON.stringify(last.slice(0, 200))})`);
}

// The first line matching `re`, or undefined.
export function findLine(text: string, re: RegExp): LineMatch | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (m) return { groups: m.slice(1).map((g) => g ?? ''), line: i + 1 };
  }
  return undefined;
}

const TIME_UNITS_US: Record<string, number> = { ns: 0.001, us: 1, µs: 1, ms: 1000, s: 1_000_000, m: 60_000_000, secs: 1_000_000, sec: 1_000_000, seconds: 1_000_000 };

// A number from a matched group; a group that is not one is a parse error at that line.
export function numberAt(input: Pick<AdapterInput, 'source'>, m: LineMatch, index: number, what: string): number {
  const raw = m.groups[index] ?? '';
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new AdapterParseError(input.source, m.line, `${what} as a number`, `found ${JSON.stringify(raw)}`);
  return v;
}

// A duration like `142.00us`, `2.39ms`, `1.00s` in microseconds.
export function durationUs(input: Pick<AdapterInput, 'source'>, m: LineMatch, index: number, what: string): number {
  const raw = m.groups[index] ?? '';
  const parts = /^([\d.]+)\s*(ns|us|µs|ms|s|m|secs|sec|seconds)$/.exec(raw.trim());
  if (!parts || !Number.isFinite(Number(parts[1]))) throw new AdapterParseError(input.source, m.line, `${what} as a number with a unit (us, ms, s)`, `found ${JSON.stringify(raw)}`);
  return Number(parts[1]) * TIME_UNITS_US[parts[2]!]!;
}

// An integer count flag of the tool's command line, with the tool's documented default.
export function countFlag(args: readonly string[], names: string[], fallback: number): number {
  const v = flagValue(args, ...names);
  const n = v === undefined ? fallback : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** Round to 0.1 (rates, latencies): the figures are measured, not exact beyond that. */
export const round1 = (x: number): number => Math.round(x * 10) / 10;
