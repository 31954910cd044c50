import { stringify } from 'safe-stable-stringify';
import { precisionAxis, resolvePrecision, type PrecisionSpec } from '../config/schema/precision.ts';
import { armKey, PrecisionController, type BlockMetrics, type PrecisionDecision, type PrecisionResult } from '../stats/precision-controller.ts';
import type { RunResult } from './run-result-schema.ts';

/** What the replay reads of a run result. */
export type PrecisionRunResult = Pick<RunResult, 'status' | 'key_metrics' | 'duration_ms'> & { run: Pick<RunResult['run'], 'mode' | 'repetition' | 'variant' | 'params'> };

/** Where a run sits in its precision series: the series (its variant without the axis), and its level of the axis. */
export interface SeriesPlace {
  /** Groups the runs of one series: the variant's parameters without the axis. */
  key: string;
  /** The variant label without the axis (`default` when nothing is left). */
  label: string;
  /** The run's value of the axis, as text; null when its variant does not have the axis. */
  level: string | null;
}

/**
 * The precision series a variant belongs to: the variant itself or — when it has the parameter the
 * block spans (precisionAxis: the mutations axis, or a change target's `against:` parameter) — the
 * variant without it, so every level of one repetition forms one block (change and difference
 * targets compare the levels within it).
 */
export function precisionSeries(run: { variant: string; params: Record<string, unknown> }, axis: string): SeriesPlace {
  if (!Object.hasOwn(run.params, axis)) return { key: stringify(run.params) ?? '', label: run.variant, level: null };
  const level = String(run.params[axis]);
  const rest = Object.fromEntries(Object.entries(run.params).filter(([k]) => k !== axis));
  const label = run.variant.split(',').filter((seg) => seg !== `${axis}=${level}`).join(',') || 'default';
  return { key: stringify(rest) ?? '', label, level };
}

/** The axis of a run's precision spec (none: the mutations axis, which groups as before any spec said otherwise). */
export const axisOf = (spec: Pick<PrecisionSpec, 'targets'> | undefined | null): string => (spec ? precisionAxis(spec) : 'mutation');

// The repetition blocks of one workload × series (precisionSeries), in repetition order: every
// passed run's key metrics under its arm — its mode, and its level of the axis the block spans —
// (a failed or invalid run's arm is absent, so its block is missing for that arm), and the wall-clock
// seconds all the block's runs took, failed ones included. The caller passes one result per run (the
// last attempt of a run measured again).
export function blocksFromResults(results: readonly PrecisionRunResult[], axis: string): BlockMetrics[] {
  const byRep = new Map<number, BlockMetrics>();
  for (const r of results) {
    const rep = r.run.repetition;
    let block = byRep.get(rep);
    if (!block) byRep.set(rep, (block = { repetition: rep, seconds: 0, modes: Object.create(null) as Record<string, Record<string, number>> }));
    block.seconds += Math.max(0, r.duration_ms) / 1000;
    block.runs = (block.runs ?? 0) + 1;
    if (r.status === 'passed') block.modes[armKey(r.run.mode, precisionSeries(r.run, axis).level)] = r.key_metrics;
  }
  return [...byRep.values()].sort((a, b) => a.repetition - b.repetition);
}

/** The stop rule replayed over blocks: where it stopped (null: it had not), and every series' state. */
export interface PrecisionReplay {
  /** The first 'stop' the rule said, after which block; null when it still asked for another block. */
  stop: Extract<PrecisionDecision, { action: 'stop' }> | null;
  /** The last decision (what the rule says after every block given). */
  last: PrecisionDecision | null;
  results: PrecisionResult[];
  blocks: number;
  /** Arms (armKey) the next block need not measure, with why (stop_arms: each; empty once stopped). */
  settled: Map<string, string>;
}

// Feed blocks to a fresh controller, deciding after each, as the runner does while it measures.
// `untilStop`: stop feeding at the first 'stop' (the runner's gate: blocks after it were not needed);
// otherwise every block is fed and the state after the last one is reported (a summary of whatever
// was measured: the sequences are valid at any block, so extra blocks, e.g. of another shard, only
// narrow the interval).
export function replayPrecision(spec: PrecisionSpec, blocks: readonly BlockMetrics[], opts: { untilStop: boolean }): PrecisionReplay {
  const controller = new PrecisionController(resolvePrecision(undefined, spec)!);
  let stop: PrecisionReplay['stop'] = null;
  let last: PrecisionDecision | null = null;
  let fed = 0;
  for (const block of blocks) {
    controller.addBlock(block);
    fed += 1;
    last = controller.decide();
    if (last.action === 'stop') {
      stop ??= last;
      if (opts.untilStop) break;
    }
  }
  return { stop, last, results: controller.results(), blocks: fed, settled: controller.settledArms() };
}
