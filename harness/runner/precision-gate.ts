import type { PlannedRun } from '../plan/run-types.ts';
import { ArtifactStore, executionOf, lastAttempts } from '../results/artifact-store.ts';
import { axisOf, blocksFromResults, precisionSeries, replayPrecision, type PrecisionRunResult } from '../results/precision-replay.ts';
import { armKey } from '../stats/precision-controller.ts';
import type { PreviousRuns } from '../results/previous-runs.ts';

/** The gate's answer for one run: measure it, or skip it because the stop rule already stopped. */
export type GateDecision = { measure: true } | { measure: false; reason: string };

// PrecisionGate: whether a planned repetition block is still needed. The generated files plan
// max_repetitions blocks; before each run of a block at or past min_repetitions, the gate reads the
// earlier blocks of the same workload × variant (when the block spans an axis — the mutations, or a
// change target's `against:` parameter — every level of the variant, one block) from the artifacts folder — this suite execution's
// results (the last attempt of a run measured again), plus, under --resume, the passed results of
// the planned runs this execution resumes — and replays the stop rule (PrecisionController) block by
// block, as if it had decided after each. Once it said stop, every later run is skipped with the
// reason; under `stop_arms: each`, so is the run of an arm whose targets are final (met or decided)
// and that no open target compares against. The answer for a run depends only on blocks before it,
// so every run of one arm and block gets the same answer, whichever file or process asks. A shard reads only its own execution's results:
// each shard decides on the blocks it measured (docs/precision.md).
/** What the stop rule said before a block: stop (every run skipped), or which arms it may skip. */
interface BlockDecision {
  stop: Extract<GateDecision, { measure: false }> | null;
  settled: Map<string, string>;
}

export class PrecisionGate {
  private readonly memo = new Map<string, BlockDecision>();

  constructor(
    private readonly root: string,
    private readonly opts: { executionId: string; planRuns: readonly PlannedRun[]; previous?: PreviousRuns | undefined },
  ) {}

  check(run: PlannedRun): GateDecision {
    const spec = run.precision;
    if (!spec || run.repetition < spec.min_repetitions) return { measure: true };
    const place = precisionSeries({ variant: run.variant.label, params: run.variant.params }, axisOf(spec));
    const arm = armKey(run.mode, place.level);
    const key = `${run.workload}\0${place.key}\0${run.repetition}`;
    let replay = this.memo.get(key);
    if (!replay) {
      replay = this.decide(run);
      this.memo.set(key, replay);
    }
    if (replay.stop) return replay.stop;
    const settled = replay.settled.get(arm);
    return settled === undefined ? { measure: true } : { measure: false, reason: `precision: ${settled} (stop_arms: each); its run in block ${run.repetition} is not needed` };
  }

  private decide(run: PlannedRun): BlockDecision {
    const spec = run.precision!;
    const earlier = this.earlierResults(run);
    const replay = replayPrecision(spec, blocksFromResults(earlier, axisOf(spec)), { untilStop: true });
    if (!replay.stop) return { stop: null, settled: replay.settled };
    return {
      stop: { measure: false, reason: `precision: ${replay.stop.reason} after ${replay.stop.blocks} block${replay.stop.blocks === 1 ? '' : 's'} (${replay.stop.message}); block ${run.repetition} is not needed` },
      settled: new Map(),
    };
  }

  // One result per run of an earlier block: this execution's last attempt, else (--resume) the
  // resumed passed result of the same planned run.
  private earlierResults(run: PlannedRun): PrecisionRunResult[] {
    const { executionId, planRuns, previous } = this.opts;
    const axis = axisOf(run.precision);
    const series = precisionSeries({ variant: run.variant.label, params: run.variant.params }, axis).key;
    const sameBlockSeries = (r: { suite: string; workload: string; variant: string; params: Record<string, unknown>; repetition: number }): boolean =>
      r.suite === run.suite && r.workload === run.workload && precisionSeries(r, axis).key === series && r.repetition < run.repetition;
    const mine = lastAttempts(
      new ArtifactStore(this.root).records((n) => n.includes(`_${run.workload}_`)).filter((r) => executionOf(r) === executionId && sameBlockSeries(r.result.run)),
    );
    const seen = new Set(mine.map((r) => r.result.run.id));
    const out: PrecisionRunResult[] = mine.map((r) => r.result);
    if (previous) {
      for (const p of planRuns) {
        if (seen.has(p.id) || !sameBlockSeries({ suite: p.suite, workload: p.workload, variant: p.variant.label, params: p.variant.params, repetition: p.repetition })) continue;
        const done = previous.passed(p.id);
        if (done) out.push({ status: 'passed', key_metrics: done.keyMetrics, duration_ms: done.durationMs, run: { mode: p.mode, repetition: p.repetition, variant: p.variant.label, params: p.variant.params } });
      }
    }
    return out;
  }
}
