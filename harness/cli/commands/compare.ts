import { compareSummaries, formatComparisonMarkdown, loadComparable, CompareInputError } from '../../report/compare.ts';
import { checkOutputPath, writeFileSafe } from '../../util/safe-file.ts';
import { mutationSide } from '../../report/mutation-side.ts';
import { BASE_MUTATION } from '../../plan/mutations.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

export interface CompareFlags {
  json?: boolean;
  out?: string;
  failOn?: string;
  minEffect?: string;
  minEffectFor?: string[];
  metric?: string[];
  alpha?: string;
  mutation?: string;
}

function fraction(flag: string, v: string): number {
  const n = Number(v.replace(/%$/, '')) / (v.endsWith('%') ? 100 : 1);
  if (!Number.isFinite(n) || n < 0 || n >= 10) throw new UsageError(`${flag} must be a fraction like 0.05 or a percentage like 5%, got "${v}"`);
  return n;
}

// `harness compare BASE CANDIDATE`: a verdict per metric; `--fail-on regression` sets the exit code.
// With --mutation NAME: mutation=base against mutation=NAME, in one result set or two.
export function compareCommand(base: string, candidateArg: string | undefined, flags: CompareFlags, io: CliIo): number {
  if (candidateArg === undefined && !flags.mutation) throw new UsageError('compare needs BASE and CANDIDATE, or one result set with --mutation NAME (base against that patch)');
  const candidate = candidateArg ?? base;
  const failOn = flags.failOn ?? 'never';
  if (!['never', 'regression', 'inconclusive'].includes(failOn)) throw new UsageError(`--fail-on must be regression, inconclusive or never, got "${failOn}"`);
  // Metric names come from the command line: a map without a prototype, so `__proto__=0.1` is just a name.
  const minEffects: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const spec of flags.minEffectFor ?? []) {
    const [metric, value] = spec.split('=');
    if (!metric || value === undefined) throw new UsageError(`--min-effect-for takes METRIC=FRACTION (e.g. p99_us=0.1), got "${spec}"`);
    minEffects[metric] = fraction('--min-effect-for', value);
  }
  if (flags.out) checkOutputPath(flags.out, { what: '--out' });
  let report;
  try {
    const [b, c] = [loadComparable(base), loadComparable(candidate)];
    const sides = flags.mutation ? [mutationSide(b, BASE_MUTATION, base), mutationSide(c, flags.mutation, candidate)] : [b, c];
    const labels = flags.mutation ? { base: `${base} (mutation=${BASE_MUTATION})`, candidate: `${candidate} (mutation=${flags.mutation})` } : { base, candidate };
    report = compareSummaries(sides[0]!, sides[1]!, labels, {
      ...(flags.minEffect ? { minEffect: fraction('--min-effect', flags.minEffect) } : {}),
      minEffects,
      ...(flags.alpha ? { alpha: fraction('--alpha', flags.alpha) } : {}),
      ...(flags.metric?.length ? { metrics: flags.metric } : {}),
    });
  } catch (err) {
    if (err instanceof CompareInputError) throw new UsageError(err.message);
    throw err;
  }
  const text = flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatComparisonMarkdown(report);
  // --out names a file the user chose: its folder must exist, and a device or FIFO is refused.
  if (flags.out) writeFileSafe(flags.out, text, { what: '--out' });
  io.stdout.write(text);
  if (report.rows.length === 0) io.stderr.write('warning: nothing to compare: no workload × mode × variant and metric appears on both sides\n');
  if (failOn === 'regression' && report.counts.regressed > 0) return 1;
  if (failOn === 'inconclusive' && (report.counts.regressed > 0 || report.counts.inconclusive > 0)) return 1;
  return 0;
}
