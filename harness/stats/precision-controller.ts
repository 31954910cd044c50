import { costRatio } from './overhead.ts';
import { metricDirection, type Direction } from './direction.ts';
import { PrecisionSeries, type PrecisionTarget, type SeriesState } from './precision-series.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** Precision settings of a suite or workload entry (descriptor `precision:`, resolved). */
export interface PrecisionSettings {
  targets: PrecisionTarget[];
  /** @default 0.95 */
  confidence?: number;
  /** Blocks always run, whatever the intervals say. @default 3 */
  minRepetitions?: number;
  /** Blocks never exceeded. */
  maxRepetitions: number;
  /** Wall-clock budget for all blocks, seconds; none: only maxRepetitions bounds the run. */
  timeBudgetSeconds?: number;
  /** The mode overheads are measured against. @default 'baseline' */
  baselineMode?: string;
  /** The mutation changes are measured against (of: change). @default 'base' */
  baseMutation?: string;
  /** Which way metrics are better, over the table in direction.ts. */
  directions?: Record<string, Direction>;
}

/** One repetition block as read back: every arm's key metrics (a failed run's arm is absent). */
export interface BlockMetrics {
  repetition: number;
  /** Wall-clock seconds the block took, all its modes. */
  seconds: number;
  /** Keyed by armKey(mode, mutation): the mode alone, or mode and mutation when the block spans a mutation axis. */
  modes: Record<string, Record<string, number>>;
}

/** One arm of a block: a mode, under a mutation when the block spans the mutations axis. */
export interface Arm {
  mode: string;
  mutation: string | null;
}

// Mode and mutation names are plain identifiers (no NUL), so the key splits back unambiguously.
export const armKey = (mode: string, mutation: string | null): string => (mutation === null ? mode : `${mode}\u0000${mutation}`);
export function parseArm(key: string): Arm {
  const at = key.indexOf('\u0000');
  return at < 0 ? { mode: key, mutation: null } : { mode: key.slice(0, at), mutation: key.slice(at + 1) };
}
/** "perf" or "baseline under kv-slow-get": how messages name an arm. */
export const armLabel = (a: Arm): string => (a.mutation === null ? a.mode : `${a.mode} under ${a.mutation}`);

/** Why measuring stopped (suite-wide), or why one metric's result is final. */
export type StopReason = 'target-met' | 'verdict-decided' | 'max-repetitions' | 'time-budget';

export type PrecisionDecision =
  | { action: 'run-next-block'; blocks: number; reason: string }
  | { action: 'stop'; blocks: number; reason: StopReason; message: string };

/** A target's final or current state, with why it stopped (once the controller said stop). */
export interface PrecisionResult extends SeriesState {
  stopReason: StopReason | null;
}

/** A precision setting the controller cannot work with. */
export class PrecisionSettingsError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'PrecisionSettingsError';
}

// PrecisionController: the stop rule of a self-correcting suite, with no I/O. The runner creates
// one per workload entry with its resolved `precision:` settings, then after every completed
// repetition block calls addBlock(block) — blocks in repetition order, each with every mode's key
// metrics (a mode whose run failed or lacks a metric is simply absent) and the block's wall-clock
// seconds — and decide(). decide() says 'run-next-block' until (a) at least minRepetitions blocks
// ran and every (target, mode) series has its half-width ≤ target or a decided margin verdict, or
// (b) maxRepetitions blocks ran, or (c) at least minRepetitions blocks ran and the time budget is spent or the next block (at the mean
// block duration so far) would overrun it; then 'stop' with the suite-wide reason. results() gives
// each series' estimate, interval, achieved half-width, verdict, outliers and its own stop reason.
// Checking after every block is what the confidence sequences are built for: the intervals and
// verdicts stay valid at whatever block the controller stops (docs/precision.md).
export class PrecisionController {
  private readonly series = new Map<string, PrecisionSeries>();
  private readonly blocks: BlockMetrics[] = [];
  private stopped: StopReason | null = null;
  private readonly confidence: number;
  private readonly minRepetitions: number;
  private readonly baseline: string;
  private readonly baseMutation: string;

  constructor(private readonly settings: PrecisionSettings) {
    const { targets, confidence = 0.95, minRepetitions = 3, maxRepetitions, timeBudgetSeconds } = settings;
    const problems: string[] = [];
    if (targets.length === 0) problems.push('targets: give at least one target');
    if (!(confidence > 0 && confidence < 1)) problems.push(`confidence: must be in (0, 1), got ${confidence}`);
    if (!(Number.isInteger(maxRepetitions) && maxRepetitions >= 1)) problems.push(`max_repetitions: must be an integer ≥ 1, got ${maxRepetitions}`);
    if (!(Number.isInteger(minRepetitions) && minRepetitions >= 1 && minRepetitions <= maxRepetitions)) {
      problems.push(`min_repetitions: must be an integer in [1, max_repetitions = ${maxRepetitions}], got ${minRepetitions}`);
    }
    if (timeBudgetSeconds !== undefined && !(timeBudgetSeconds > 0)) problems.push(`time_budget: must be > 0 s, got ${timeBudgetSeconds}`);
    targets.forEach((t, i) => {
      if (!(t.halfWidth > 0)) problems.push(`targets[${i}].half_width: must be > 0, got ${t.halfWidth}`);
    });
    if (problems.length) throw new PrecisionSettingsError(`precision settings: ${problems.join('; ')}`);
    this.confidence = confidence;
    this.minRepetitions = minRepetitions;
    this.baseline = settings.baselineMode ?? 'baseline';
    this.baseMutation = settings.baseMutation ?? 'base';
  }

  /** Feed the next completed block (repetitions strictly increasing). */
  addBlock(block: BlockMetrics): void {
    const last = this.blocks.at(-1);
    if (last && block.repetition <= last.repetition) {
      throw new PrecisionSettingsError(`addBlock: repetition ${block.repetition} after ${last.repetition}: blocks must come in repetition order, once each`);
    }
    if (!(block.seconds >= 0)) throw new PrecisionSettingsError(`addBlock: repetition ${block.repetition} has duration ${block.seconds} s`);
    this.blocks.push(block);
    for (const target of this.settings.targets) {
      const direction = metricDirection(target.metric, this.settings.directions);
      for (const key of Object.keys(block.modes)) {
        const arm = parseArm(key);
        // The arm a ratio is taken against: the same mutation's baseline (overhead), the base tree's same mode (change).
        let against: string | null = null;
        if (target.of === 'overhead') {
          if (arm.mode === this.baseline) continue;
          against = armKey(this.baseline, arm.mutation);
        } else if (target.of === 'change') {
          if (arm.mutation === null || arm.mutation === this.baseMutation) continue;
          against = armKey(arm.mode, this.baseMutation);
        }
        const value = valueOf(block.modes[key], target.metric);
        let log: number | null;
        if (against === null) log = value === null ? null : Math.log(value);
        else {
          const b = valueOf(Object.hasOwn(block.modes, against) ? block.modes[against] : undefined, target.metric);
          log = value === null || b === null ? null : Math.log(costRatio({ baseline: b, mode: value }, direction));
        }
        this.seriesFor(target, arm).add(block.repetition, log);
      }
    }
    // An arm absent from this block (its run failed) still counts the block as missing.
    for (const s of this.series.values()) {
      if (!Object.hasOwn(block.modes, armKey(s.mode, s.mutation))) s.add(block.repetition, null);
    }
  }

  private seriesFor(target: PrecisionTarget, arm: Arm): PrecisionSeries {
    const key = `${this.settings.targets.indexOf(target)}\0${armKey(arm.mode, arm.mutation)}`;
    let s = this.series.get(key);
    if (!s) {
      s = new PrecisionSeries(target, arm.mode, arm.mutation, this.confidence);
      // Blocks before this mode first appeared are missing for it.
      for (const b of this.blocks.slice(0, -1)) s.add(b.repetition, null);
      this.series.set(key, s);
    }
    return s;
  }

  /** Run another block, or stop and why. */
  decide(): PrecisionDecision {
    const n = this.blocks.length;
    const { maxRepetitions, timeBudgetSeconds } = this.settings;
    const states = [...this.series.values()].map((s) => s.status());
    const pending = states.filter((s) => s.status === 'pending');
    const elapsed = this.blocks.reduce((sum, b) => sum + b.seconds, 0);
    const stop = (reason: StopReason, message: string): PrecisionDecision => {
      this.stopped = reason;
      return { action: 'stop', blocks: n, reason, message };
    };
    if (n >= this.minRepetitions && states.length > 0 && pending.length === 0) {
      const allMet = states.every((s) => s.status === 'met');
      return stop(allMet ? 'target-met' : 'verdict-decided', `every target met or decided after ${n} blocks`);
    }
    if (n >= maxRepetitions) return stop('max-repetitions', `max_repetitions (${maxRepetitions}) reached with ${pending.length} target(s) open`);
    // min_repetitions blocks always run, whatever the budget says (the descriptor promises them).
    if (timeBudgetSeconds !== undefined && n >= this.minRepetitions && elapsed + elapsed / n > timeBudgetSeconds) {
      return stop('time-budget', `time budget ${timeBudgetSeconds} s: ${elapsed.toFixed(0)} s spent, the next block (~${(elapsed / n).toFixed(0)} s) would overrun it`);
    }
    const open = n < this.minRepetitions ? `min_repetitions is ${this.minRepetitions}` : `${pending.length} target(s) open: ${pending.map((s) => `${armLabel(s)} ${s.of === 'value' ? '' : `${s.of} `}${s.metric} ±${fmtWidth(s.achievedHalfWidth)} > ±${s.target}`).join(', ')}`;
    return { action: 'run-next-block', blocks: n, reason: open };
  }

  /** Every (target, mode) series' state; stopReason is set once decide() said stop. */
  results(): PrecisionResult[] {
    return [...this.series.values()].map((s) => {
      const state = s.state();
      const own: StopReason | null = this.stopped === null ? null : state.status === 'met' ? 'target-met' : state.status === 'decided' ? 'verdict-decided' : this.stopped;
      return { ...state, stopReason: own };
    });
  }
}

const fmtWidth = (w: number): string => (Number.isFinite(w) ? w.toFixed(2) : '∞');

// A positive finite metric value, or null (missing, zero or negative values have no log).
function valueOf(metrics: Record<string, number> | undefined, metric: string): number | null {
  if (!metrics || !Object.hasOwn(metrics, metric)) return null;
  const v = metrics[metric];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}
