import type { PlannedRun } from '../plan/run-types.ts';

/** A run that finished but whose numbers are not a valid measurement, or miss the descriptor's expectations. */
export class InvalidRunError extends Error {
  readonly kind = 'invalid';
  constructor(readonly problems: string[]) {
    super(`Run is not a valid measurement:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// Baseline key metrics per repetition block, kept in this worker: a repetition block is one generated
// file, so a mode's run finds the baseline of its own block here.
const blocks = new Map<string, Record<string, number>>();
const blockKey = (run: PlannedRun): string => `${run.suite}\0${run.workload}\0${run.variant.label}\0${run.repetition}`;

export function recordBlockMetrics(run: PlannedRun, metrics: Record<string, number>): void {
  if (run.mode === 'baseline') blocks.set(blockKey(run), metrics);
}

// Values expectations can name: key metrics, plus overhead_pct[.metric] against this block's baseline.
export function expectationValues(run: PlannedRun, metrics: Record<string, number>): Record<string, number | undefined> {
  const values: Record<string, number | undefined> = { ...metrics };
  const base = run.mode === 'baseline' ? undefined : blocks.get(blockKey(run));
  if (!base) return values;
  for (const [metric, b] of Object.entries(base)) {
    const m = metrics[metric];
    if (!(b > 0) || m === undefined || !(m > 0)) continue;
    const cost = /_rps$|^completed$/.test(metric) ? b / m : m / b;
    values[`overhead_pct.${metric}`] = (cost - 1) * 100;
  }
  values.overhead_pct = values['overhead_pct.throughput_rps'];
  return values;
}
