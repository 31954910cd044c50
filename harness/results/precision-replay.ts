import { resolvePrecision, type PrecisionSpec } from '../config/schema/precision.ts';
import { splitMutationVariant } from '../plan/mutation-label.ts';
import { armKey, PrecisionController, type BlockMetrics, type PrecisionDecision, type PrecisionResult } from '../stats/precision-controller.ts';
import type { RunResult } from './run-result-schema.ts';

/** What the replay reads of a run result. */
export type PrecisionRunResult = Pick<RunResult, 'status' | 'key_metrics' | 'duration_ms'> & { run: Pick<RunResult['run'], 'mode' | 'repetition' | 'variant'> };

/**
 * The precision series a variant belongs to: its label, or — on a mutations axis — the label without
 * the mutation, so the base and the patched trees of one repetition form one block (of: change
 * compares them within it).
 */
export const precisionSeriesLabel = (variant: string): string => splitMutationVariant(variant)?.rest ?? variant;

// The repetition blocks of one workload × series (precisionSeriesLabel), in repetition order: every
// passed run's key metrics under its arm — its mode, and its mutation on a mutations axis — (a failed
// or invalid run's arm is absent, so its block is missing for that arm), and the wall-clock seconds
// all the block's runs took, failed ones included. The caller passes one result per run (the last
// attempt of a run measured again).
export function blocksFromResults(results: readonly PrecisionRunResult[]): BlockMetrics[] {
  const byRep = new Map<number, BlockMetrics>();
  for (const r of results) {
    const rep = r.run.repetition;
    let block = byRep.get(rep);
    if (!block) byRep.set(rep, (block = { repetition: rep, seconds: 0, modes: Object.create(null) as Record<string, Record<string, number>> }));
    block.seconds += Math.max(0, r.duration_ms) / 1000;
    if (r.status === 'passed') block.modes[armKey(r.run.mode, splitMutationVariant(r.run.variant)?.mutation ?? null)] = r.key_metrics;
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
  return { stop, last, results: controller.results(), blocks: fed };
}
