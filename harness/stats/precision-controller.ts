import { costRatio } from './overhead.ts';
import { metricDirection, type Direction } from './direction.ts';
import { DifferenceSeries, isRelative, PrecisionSeries, type PrecisionTarget, type SeriesState, type TrackedSeries } from './precision-series.ts';
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
  /** The mutation changes are measured against (of: change without `against`). @default 'base' */
  baseMutation?: string;
  /** The parameter a block spans, whose value is each arm's level (see precisionAxis). @default 'mutation' */
  axis?: string;
  /** Which way metrics are better, over the table in direction.ts. */
  directions?: Record<string, Direction>;
  /** 'together': every block measures every arm until the rule stops. 'each': a (target, arm) series
   * is final once met or decided (after minRepetitions blocks), and an arm whose series are all final,
   * and that no open series compares against, is not measured in later blocks. @default 'together' */
  stopArms?: 'together' | 'each';
}

/** One repetition block as read back: every arm's key metrics (a failed run's arm is absent). */
export interface BlockMetrics {
  repetition: number;
  /** Wall-clock seconds the block took, all its modes. */
  seconds: number;
  /** Keyed by armKey(mode, level): the mode alone, or the mode and its level of the axis the block spans (a mutation, a parameter value). */
  modes: Record<string, Record<string, number>>;
  /** Runs the block took, failed ones included (the time budget's per-run cost); default: its arms. */
  runs?: number;
}

/** One arm of a block: a mode, at a level of the axis the block spans (a mutation, a parameter value), if any. */
export interface Arm {
  mode: string;
  level: string | null;
}

// Mode names are plain identifiers (no NUL), so the key splits back unambiguously.
export const armKey = (mode: string, level: string | null): string => (level === null ? mode : `${mode}\u0000${level}`);
export function parseArm(key: string): Arm {
  const at = key.indexOf('\u0000');
  return at < 0 ? { mode: key, level: null } : { mode: key.slice(0, at), level: key.slice(at + 1) };
}
/** "perf", "baseline under kv-slow-get" (mutations axis) or "baseline at injected_us=5": how messages name an arm. */
export const armLabel = (a: Arm & { axis?: string | null }): string =>
  a.level === null ? a.mode : (a.axis ?? 'mutation') === 'mutation' ? `${a.mode} under ${a.level}` : `${a.mode} at ${a.axis}=${a.level}`;

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
  private readonly series = new Map<string, TrackedSeries>();
  /** Each series' own arm and the arm it compares against (null: of: value). */
  private readonly arms = new Map<TrackedSeries, { own: string; against: string | null }>();
  /** stopArms 'each': series final after the block count given (met or decided then). */
  private readonly final = new Map<TrackedSeries, number>();
  /** Every arm seen in a block. */
  private readonly seenArms = new Set<string>();
  private readonly blocks: BlockMetrics[] = [];
  private stopped: StopReason | null = null;
  private readonly confidence: number;
  private readonly minRepetitions: number;
  private readonly baseline: string;
  private readonly baseMutation: string;
  private readonly axis: string;

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
    this.axis = settings.axis ?? 'mutation';
  }

  /** Feed the next completed block (repetitions strictly increasing). */
  addBlock(block: BlockMetrics): void {
    const last = this.blocks.at(-1);
    if (last && block.repetition <= last.repetition) {
      throw new PrecisionSettingsError(`addBlock: repetition ${block.repetition} after ${last.repetition}: blocks must come in repetition order, once each`);
    }
    if (!(block.seconds >= 0)) throw new PrecisionSettingsError(`addBlock: repetition ${block.repetition} has duration ${block.seconds} s`);
    this.blocks.push(block);
    for (const key of Object.keys(block.modes)) this.seenArms.add(key);
    for (const target of this.settings.targets) {
      const direction = metricDirection(target.metric, this.settings.directions);
      for (const key of Object.keys(block.modes)) {
        const arm = parseArm(key);
        // The arm a ratio is taken against: the same level's baseline (overhead), the reference level's same mode (change, difference).
        let against: string | null = null;
        if (target.of === 'overhead') {
          if (arm.mode === this.baseline) continue;
          against = armKey(this.baseline, arm.level);
        } else if (target.of === 'change' || target.of === 'difference') {
          const reference = target.against?.level ?? this.baseMutation;
          if (arm.level === null || arm.level === reference) continue;
          against = armKey(arm.mode, reference);
        }
        const tracked = this.seriesFor(target, arm, against);
        if (this.final.has(tracked)) continue;
        const value = valueOf(block.modes[key], target.metric);
        const b = against === null ? null : valueOf(Object.hasOwn(block.modes, against) ? block.modes[against] : undefined, target.metric);
        let log: number | null;
        if (against === null) log = value === null ? null : Math.log(value);
        else log = value === null || b === null ? null : Math.log(target.of === 'difference' ? value / b : costRatio({ baseline: b, mode: value }, direction));
        tracked.add(block.repetition, log, b === null ? null : Math.log(b));
      }
    }
    // An arm absent from this block (its run failed) still counts the block as missing.
    // A final series (stopArms 'each') takes nothing more: its arm's later blocks are not measured.
    for (const s of this.series.values()) {
      if (!this.final.has(s) && !Object.hasOwn(block.modes, armKey(s.mode, s.level))) s.add(block.repetition, null, null);
    }
  }

  private seriesFor(target: PrecisionTarget, arm: Arm, against: string | null): TrackedSeries {
    const key = `${this.settings.targets.indexOf(target)}\0${armKey(arm.mode, arm.level)}`;
    let s = this.series.get(key);
    if (!s) {
      const axis = arm.level === null ? null : this.axis;
      s = target.of === 'difference' ? new DifferenceSeries(target, arm.mode, arm.level, this.confidence, axis) : new PrecisionSeries(target, arm.mode, arm.level, this.confidence, axis);
      // Blocks before this mode first appeared are missing for it.
      for (const b of this.blocks.slice(0, -1)) s.add(b.repetition, null, null);
      this.series.set(key, s);
      this.arms.set(s, { own: armKey(arm.mode, arm.level), against });
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
    if (this.settings.stopArms === 'each' && n >= this.minRepetitions) {
      for (const s of this.series.values()) if (!this.final.has(s) && s.status().status !== 'pending') this.final.set(s, n);
    }
    // min_repetitions blocks always run, whatever the budget says (the descriptor promises them).
    const next = this.nextBlockSeconds();
    if (timeBudgetSeconds !== undefined && n >= this.minRepetitions && elapsed + next > timeBudgetSeconds) {
      return stop('time-budget', `time budget ${timeBudgetSeconds} s: ${elapsed.toFixed(0)} s spent, the next block (~${next.toFixed(0)} s) would overrun it`);
    }
    const open = n < this.minRepetitions ? `min_repetitions is ${this.minRepetitions}` : `${pending.length} target(s) open: ${pending.map((s) => `${armLabel(s)} ${s.of === 'value' ? '' : `${s.of} `}${s.metric} ±${fmtWidth(s.achievedHalfWidth)} > ±${s.target}${isRelative(s.of) ? ' pp' : ' %'}`).join(', ')}`;
    return { action: 'run-next-block', blocks: n, reason: open };
  }

  /**
   * The arms the next block need not measure (stopArms 'each'), each with why: every series of the
   * arm is final and no open series compares against it. An arm with no series of its own (a
   * baseline, a reference level) is needed while an open series compares against it, a baseline
   * also while another mode of its level is measured. Empty under
   * 'together', and once the rule stopped (then no block is needed at all).
   */
  settledArms(): Map<string, string> {
    const out = new Map<string, string>();
    if (this.settings.stopArms !== 'each' || this.stopped !== null) return out;
    const open = [...this.series.values()].filter((s) => !this.final.has(s));
    for (const arm of this.seenArms) {
      if (open.some((s) => this.arms.get(s)!.own === arm || this.arms.get(s)!.against === arm)) continue;
      const own = [...this.final.keys()].filter((s) => this.arms.get(s)!.own === arm);
      const compared = [...this.final.keys()].filter((s) => this.arms.get(s)!.against === arm);
      if (own.length === 0 && compared.length === 0) continue;
      const after = Math.max(...[...own, ...compared].map((s) => this.final.get(s)!));
      const what = own.length > 0 ? own.map((s) => finalText(s.status())).join(', ') : `every series compared against it is final`;
      out.set(arm, `${armLabel({ ...parseArm(arm), axis: this.axis })}: ${what} after ${after} blocks`);
    }
    // A block's baseline stays while any other mode of its level is measured (their expectations
    // and overhead rows compare against the same block's baseline).
    for (const arm of out.keys()) {
      const { mode, level } = parseArm(arm);
      if (mode !== this.baseline) continue;
      const others = [...this.seenArms].filter((a) => a !== arm && parseArm(a).level === level);
      if (others.some((a) => !out.has(a))) out.delete(arm);
    }
    return out;
  }

  // The next block's wall-clock seconds: the mean block so far, or under stopArms 'each' the mean run
  // times the arms the next block still measures.
  private nextBlockSeconds(): number {
    const n = this.blocks.length;
    const elapsed = this.blocks.reduce((sum, b) => sum + b.seconds, 0);
    if (n === 0) return 0;
    if (this.settings.stopArms !== 'each' || this.seenArms.size === 0) return elapsed / n;
    const runs = this.blocks.reduce((sum, b) => sum + (b.runs ?? Object.keys(b.modes).length), 0);
    const needed = this.seenArms.size - this.settledArms().size;
    return runs > 0 ? (elapsed / runs) * needed : elapsed / n;
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

// "difference server_cpu_us_per_req ±8.12 ≤ ±10 %", or the decided verdict.
function finalText(s: Pick<SeriesState, 'of' | 'metric' | 'achievedHalfWidth' | 'target' | 'status' | 'verdictText'>): string {
  const what = `${s.of === 'value' ? '' : `${s.of} `}${s.metric}`;
  return s.status === 'decided' && s.verdictText ? `${what} ${s.verdictText}` : `${what} ±${fmtWidth(s.achievedHalfWidth)} ≤ ±${s.target}${isRelative(s.of) ? ' pp' : ' %'}`;
}

// A positive finite metric value, or null (missing, zero or negative values have no log).
function valueOf(metrics: Record<string, number> | undefined, metric: string): number | null {
  if (!metrics || !Object.hasOwn(metrics, metric)) return null;
  const v = metrics[metric];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}
