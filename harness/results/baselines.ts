import { ArtifactStore } from './artifact-store.ts';
import type { BaselineResult, Baselines, RunBlock } from './assess-run.ts';
import type { RunResult } from './run-result-schema.ts';

type StoredResult = Pick<RunResult, 'status' | 'started_at' | 'key_metrics'> & { run: Pick<RunResult['run'], 'id' | 'suite' | 'workload' | 'mode' | 'variant' | 'repetition' | 'session_id' | 'suite_execution_id'> };

const inBlock = (r: StoredResult, block: RunBlock): boolean =>
  r.run.mode === 'baseline' && r.run.suite === block.suite && r.run.workload === block.workload && r.run.variant === block.variant && r.run.repetition === block.repetition && (block.baselineRunId === undefined || r.run.id === block.baselineRunId);

const toBaseline = (r: StoredResult, dir: string): BaselineResult => ({ runId: r.run.id, dir, keyMetrics: r.key_metrics });

/**
 * Baselines of the suite run in progress, read from the artifacts folder (where every run, in
 * whatever file, process or order it ran, leaves its run_result.json): the block's baseline of this
 * session; with `--resume`, else the latest passed result of the planned baseline run (resumed).
 */
export class ArtifactBaselines implements Baselines {
  constructor(
    private readonly root: string,
    private readonly opts: { sessionId: string | undefined; resume: boolean },
  ) {}

  find(block: RunBlock): BaselineResult | undefined {
    // Folder names end in `_<workload>_baseline_<variant>_r<rep>`: read only those results.
    // Through the artifact store: a result it cannot trust (a FIFO, off-schema) fails the run at once.
    const suffix = `_r${block.repetition}`;
    const found = new ArtifactStore(this.root)
      .records((n) => n.endsWith(suffix) && n.includes(`_${block.workload}_baseline_`))
      .flatMap(({ dir, result: r }) => (inBlock(r, block) ? [{ r, dir }] : []));
    found.sort((a, b) => b.r.started_at.localeCompare(a.r.started_at));
    const mine = found.find((f) => (f.r.run.suite_execution_id ?? f.r.run.session_id) === this.opts.sessionId);
    // This session measured the baseline: its result decides, even a failed one (no overhead then).
    if (mine) return mine.r.status === 'passed' ? toBaseline(mine.r, mine.dir) : undefined;
    if (!this.opts.resume || block.baselineRunId === undefined) return undefined;
    const resumed = found.find((f) => f.r.status === 'passed');
    return resumed ? toBaseline(resumed.r, resumed.dir) : undefined;
  }
}

/** Baselines among a set of run results (a suite's summary, `harness merge` of shards): the latest passed one per block. */
export class RecordBaselines implements Baselines {
  constructor(private readonly records: readonly { dir: string; result: StoredResult }[]) {}

  find(block: RunBlock): BaselineResult | undefined {
    const found = this.records.filter((x) => x.result.status === 'passed' && inBlock(x.result, block));
    const latest = found.sort((a, b) => b.result.started_at.localeCompare(a.result.started_at))[0];
    return latest ? toBaseline(latest.result, latest.dir) : undefined;
  }
}
