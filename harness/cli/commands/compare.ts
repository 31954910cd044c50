import { compareSummaries, formatComparisonMarkdown, loadComparable, CompareInputError, type ComparisonReport } from '../../report/compare.ts';
import { compareWithMargin, formatMarginMarkdown, type MarginReport } from '../../report/compare-margin.ts';
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
  margin?: string;
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
  // --margin 5% (or 0.05): margin verdicts from confidence sequences (docs/precision.md).
  const margin = flags.margin === undefined ? undefined : fraction('--margin', flags.margin) * 100;
  const alpha = flags.alpha ? fraction('--alpha', flags.alpha) : undefined;
  let report: ComparisonReport & { margin?: MarginReport };
  let marginReport: MarginReport | undefined;
  try {
    const [b, c] = [loadComparable(base), loadComparable(candidate)];
    const sides = flags.mutation ? [mutationSide(b, BASE_MUTATION, base), mutationSide(c, flags.mutation, candidate)] : [b, c];
    const labels = flags.mutation ? { base: `${base} (mutation=${BASE_MUTATION})`, candidate: `${candidate} (mutation=${flags.mutation})` } : { base, candidate };
    report = compareSummaries(sides[0]!, sides[1]!, labels, {
      ...(flags.minEffect ? { minEffect: fraction('--min-effect', flags.minEffect) } : {}),
      minEffects,
      ...(alpha !== undefined ? { alpha } : {}),
      ...(flags.metric?.length ? { metrics: flags.metric } : {}),
    });
    if (margin !== undefined) {
      marginReport = compareWithMargin(sides[0]!, sides[1]!, { margin, ...(alpha !== undefined ? { alpha } : {}), ...(flags.metric?.length ? { metrics: flags.metric } : {}) });
      report = { ...report, margin: marginReport };
    }
  } catch (err) {
    if (err instanceof CompareInputError) throw new UsageError(err.message);
    throw err;
  }
  const text = flags.json ? `${JSON.stringify(report, null, 2)}\n` : marginReport ? formatMarginMarkdown(marginReport, { base: report.baseLabel, candidate: report.candidateLabel }) : formatComparisonMarkdown(report);
  // --out names a file the user chose: its folder must exist, and a device or FIFO is refused.
  if (flags.out) writeFileSafe(flags.out, text, { what: '--out' });
  io.stdout.write(text);
  if (report.rows.length === 0) io.stderr.write('warning: nothing to compare: no workload × mode × variant and metric appears on both sides\n');
  // With --margin the margin verdicts decide the exit code.
  const counts = marginReport?.counts ?? report.counts;
  if (failOn === 'regression' && counts.regressed > 0) return 1;
  if (failOn === 'inconclusive' && (counts.regressed > 0 || counts.inconclusive > 0)) return 1;
  return 0;
}
