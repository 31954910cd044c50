import type { ConfigIssue } from '../config/config-error.ts';
import { IssueCollector } from '../config/config-error.ts';
import { loadSuite, type LoadedSuite, type LoadedWorkload } from '../config/load-suite.ts';
import type { Mode } from '../config/schema/instrumentation.ts';
import { formatIssue, formatKeyPath } from '../config/config-error.ts';
import { lintWorkload } from './lint-workload.ts';
import { lintClientMetrics } from './lint-metrics.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import { hashValue, canonicalJson, sha256 } from '../util/hash.ts';
import { expandParameters, type ParameterSpace, type Variant } from './parameters.ts';
import { DEFAULT_MAX_RUNS, resolveVariant, variantOverridePaths, type ResolvedVariant } from './resolve-config.ts';
import { overridesLayer, type CommandLineOverrides } from './overrides.ts';
import { checkResolvedProcesses } from './check-resolved.ts';
import { MAX_TIMER_MS } from '../config/schema/common.ts';
import { orderRuns } from './order.ts';
import { RenderError, renderRunCommands } from './render-run.ts';
import type { PlannedMutation, PlannedRun } from './run-types.ts';
import { runTimeoutMs } from './timeouts.ts';
import { chunkRuns, type RunChunk } from './chunks.ts';
import { ValiditySchema } from '../config/schema/suite.ts';
import { HARNESS_VERSION } from '../config/version.ts';
import { foreignCheckoutWarning, MUTATION_PARAM, planMutations, withMutationAxis } from './mutations.ts';
import { targetAgainst } from '../config/schema/precision.ts';
import type { Bound } from '../config/schema/suite.ts';

export interface WorkloadPlan {
  name: string;
  source: LoadedWorkload;
  space: ParameterSpace;
  /** Runs in execution order. */
  runs: PlannedRun[];
  /** Hash of run names, ids and timeouts of the whole workload. */
  digest: string;
  /** One generated test file per chunk (a repetition block each). */
  chunks: RunChunk[];
}

export interface SuitePlan {
  suite: LoadedSuite;
  name: string;
  order: 'interleaved' | 'blocked' | 'random';
  seed: number | undefined;
  /** The command line's layer of the merge (empty without flags). */
  overrides: CommandLineOverrides;
  workloads: WorkloadPlan[];
  /** All runs, workload by workload, each in execution order. */
  runs: PlannedRun[];
  /** Lint findings configured as warnings. */
  warnings: string[];
}

export interface PlanOptions {
  /** The command line's layer of the merge. @default none */
  overrides?: CommandLineOverrides;
  /** Largest number of runs the suite may plan (`--max-runs`). @default DEFAULT_MAX_RUNS */
  maxRuns?: number;
}

export interface PlanSuiteOptions extends PlanOptions {
  rootDir: string;
}

// Load a descriptor and expand it into runs; every problem is reported at once (ConfigError).
export function planSuite(suite: string, { rootDir, ...options }: PlanSuiteOptions): SuitePlan {
  return buildPlan(loadSuite(suite, rootDir), options);
}

// Expand a loaded suite: runs = modes × variants × repetitions, each with a stable id.
export function buildPlan(suite: LoadedSuite, { overrides = {}, maxRuns }: PlanOptions = {}): SuitePlan {
  const issues = new IssueCollector();
  const warnings: string[] = [];
  const limit = maxRuns ?? DEFAULT_MAX_RUNS;
  const budget = { left: limit, limit };
  const workloads = suite.workloads.map((w) => planWorkload(suite, w, overrides, issues, warnings, budget));
  issues.throwIfAny();
  const foreign = foreignCheckoutWarning(suite.rootDir);
  if (foreign) warnings.push(foreign);
  const order = suite.descriptor.order;
  return { suite, name: suite.name, order, seed: suite.descriptor.seed, overrides, workloads, runs: workloads.flatMap((w) => w.runs), warnings };
}

function planWorkload(suite: LoadedSuite, w: LoadedWorkload, overrides: CommandLineOverrides, issues: IssueCollector, warnings: string[], budget: { left: number; limit: number }): WorkloadPlan {
  const paramsPath = ['workloads', w.index, 'parameters'];
  const mutations = planMutations(suite, w, issues);
  // With precision targets the files plan max_repetitions blocks; the runner skips the ones not needed.
  const precision = w.entry.precision ?? suite.descriptor.precision;
  const repetitions = precision ? precision.max_repetitions : w.entry.repetitions;
  if (precision) checkPrecisionPlan(suite, w, issues, warnings);
  const perVariant = w.entry.modes.length * repetitions;
  const space = expandParameters(
    withMutationAxis(w.entry.parameters, mutations, w.entry.mutation_base),
    (path, message, hint) => issues.add(suite.source.issueAt([...paramsPath, ...path], message, hint ? { hint } : {})),
    { maxRuns: budget.left, runsPerVariant: perVariant },
  );
  if (precision) checkPrecisionAxis(suite, w, space.variants, issues);
  const planned = space.variants.length * perVariant;
  if (planned > budget.left) {
    issues.add(suite.source.issueAt(['workloads', w.index], `${w.entry.name} plans ${planned.toLocaleString('en')} runs (${w.entry.modes.length} modes × ${space.variants.length} variants × ${repetitions} repetitions): the suite would exceed the limit of ${budget.limit.toLocaleString('en')} runs`, { hint: 'plan fewer runs, or raise the limit with --max-runs N' }));
    space.variants = [];
  }
  budget.left -= planned;
  // Variants that override no config share one resolved config: validate and hash it once.
  const cache = new Map<string, { resolved?: ResolvedVariant }>();
  const overridesJson = canonicalJson(overridesLayer(overrides));
  const runs: PlannedRun[] = [];
  const splitCache = new Map<string, readonly string[]>();
  const checks = { validity: ValiditySchema.parse({ ...suite.descriptor.validity, ...w.entry.validity }), expect: (w.entry.expect ?? {}) as Record<string, Bound>, ...(precision ? { precision } : {}) };
  for (const variant of space.variants) {
    const key = canonicalJson(variantOverridePaths(variant.params));
    let entry = cache.get(key);
    if (!entry) {
      const { resolved, issues: found } = resolveVariant(suite, w, variant, overrides);
      found.forEach((i) => issues.add(i));
      entry = resolved ? { resolved } : {};
      cache.set(key, entry);
      if (resolved) {
        lintResolved(resolved, w, issues, warnings);
        checkResolvedProcesses(resolved).forEach((e) => issues.add(blameRenderError(e, resolved, w.configSource)));
      }
    }
    if (!entry.resolved) continue;
    noteIgnoredOverrides(entry.resolved, w, overrides, warnings);
    const start = runs.length;
    const mutation = mutations?.get(String(variant.params[MUTATION_PARAM]));
    const variantChecks = mutation ? { ...checks, mutation } : checks;
    const idTail = idJsonTail(variant, entry.resolved.baseHash, mutation);
    for (const mode of w.entry.modes) {
      for (let rep = 0; rep < repetitions; rep++) {
        runs.push(makeRun(suite, w, variant, mode, rep, entry.resolved, idTail, overridesJson, variantChecks));
      }
    }
    // Each mode renders its own observer: check the first run of every mode.
    w.entry.modes.forEach((_, m) => {
      const run = runs[start + m * repetitions];
      checkRendering(run, suite, issues, splitCache);
      if (run && run.timeoutMs > MAX_TIMER_MS) {
        issues.add(suite.source.issueAt(['workloads', w.index], `the run timeout derived from the processes' timeouts is ${Math.round(run.timeoutMs / 1000)} s, more than a timer can hold (${Math.floor(MAX_TIMER_MS / 1000)} s)`, { hint: 'lower the clients\' timeout_s or the servers\' ready.timeout_s, or set timeout_s on the workload entry' }));
      }
    });
  }
  const ordered = orderRuns(runs, suite.descriptor.order, suite.descriptor.seed, `${suite.name}/${w.entry.name}`);
  ordered.forEach((run, i) => (run.order = i));
  const digest = hashValue(ordered.map((r) => [r.name, r.baseId, r.timeoutMs]), 16);
  return { name: w.entry.name, source: w, space, runs: ordered, digest, chunks: chunkRuns(ordered, repetitions) };
}

// Precision decides after every block, so blocks must run one after another (docs/precision.md);
// a `repetitions:` beside it is not what runs, and says so.
function checkPrecisionPlan(suite: LoadedSuite, w: LoadedWorkload, issues: IssueCollector, warnings: string[]): void {
  if (suite.descriptor.order !== 'interleaved') {
    issues.add(suite.source.issueAt(['order'], `precision targets (workload ${w.entry.name}) decide after every repetition block, which needs order: interleaved; this suite has order: ${suite.descriptor.order}`, { hint: 'use order: interleaved, or drop precision: and set repetitions' }));
  }
  if (suite.source.has(['workloads', w.index, 'repetitions'])) {
    warnings.push(`${w.entry.name}: repetitions: ${w.entry.repetitions} is ignored: precision plans max_repetitions blocks and measures until its targets are met (docs/precision.md)`);
  }
  const precision = (w.entry.precision ?? suite.descriptor.precision)!;
  const overheads = precision.targets.filter((t) => t.of === 'overhead').map((t) => t.metric);
  if (overheads.length > 0 && !w.entry.modes.includes('baseline')) {
    const at = w.entry.precision ? ['workloads', w.index, 'precision', 'targets'] : ['precision', 'targets'];
    issues.add(suite.source.issueAt(at, `overhead targets (${overheads.join(', ')}) measure each mode against the same block's baseline, but workload ${w.entry.name} has no baseline mode`, { hint: 'add baseline to the workload\'s modes, or use of: value' }));
  }
  const changes = precision.targets.filter((t) => (t.of === 'change' || t.of === 'difference') && targetAgainst(t).param === MUTATION_PARAM).map((t) => t.metric);
  if (changes.length > 0 && !((w.entry.mutations?.length ?? 0) > 0 && w.entry.mutation_base)) {
    const at = w.entry.precision ? ['workloads', w.index, 'precision', 'targets'] : ['precision', 'targets'];
    const why = (w.entry.mutations?.length ?? 0) > 0 ? 'has mutation_base: false (no unpatched base runs)' : 'has no mutations';
    issues.add(suite.source.issueAt(at, `change targets (${changes.join(', ')}) measure each mutation against the unpatched base in the same block, but workload ${w.entry.name} ${why}`, { hint: 'list the change under the workload\'s mutations: (docs/running.md, "Testing a change") with mutation_base: true, or use of: overhead or of: value' }));
  }
}

// A change or difference target `against: { param: value }` compares each value of the parameter with
// that one, same mode and block: the parameter must vary over the entry's variants and take that value.
function checkPrecisionAxis(suite: LoadedSuite, w: LoadedWorkload, variants: readonly Variant[], issues: IssueCollector): void {
  const precision = (w.entry.precision ?? suite.descriptor.precision)!;
  const base = w.entry.precision ? ['workloads', w.index, 'precision', 'targets'] : ['precision', 'targets'];
  precision.targets.forEach((t, i) => {
    if (!t.against) return;
    const { param, level } = targetAgainst(t);
    if (param === MUTATION_PARAM) return; // checked with the mutations (checkPrecisionPlan)
    const values = [...new Set(variants.filter((v) => Object.hasOwn(v.params, param)).map((v) => String(v.params[param])))];
    const at = [...base, i, 'against'];
    if (values.length === 0) {
      issues.add(suite.source.issueAt(at, `${t.of} target compares along ${param}, which is not a parameter of workload ${w.entry.name}`, { hint: `list it under the workload's parameters, e.g. parameters: { ${param}: [${JSON.stringify(t.against[param])}, …] }` }));
    } else if (!values.includes(level)) {
      issues.add(suite.source.issueAt(at, `${t.of} target compares against ${param} = ${level}, but workload ${w.entry.name}'s variants have ${param} ∈ {${values.join(', ')}}`, { hint: `add ${level} to the values of ${param}, or compare against one of them` }));
    } else if (values.length === 1) {
      issues.add(suite.source.issueAt(at, `${t.of} target compares along ${param}, but every variant of workload ${w.entry.name} has ${param} = ${level}: nothing to compare`, { hint: `give ${param} more than one value` }));
    }
  });
}

// A flag the resolved config makes meaningless is said once per workload, never silently dropped.
function noteIgnoredOverrides(resolved: ResolvedVariant, w: LoadedWorkload, overrides: CommandLineOverrides, warnings: string[]): void {
  const inst = resolved.config.instrumentation;
  const say = (m: string): void => void (warnings.includes(m) || warnings.push(m));
  if (overrides.perfFreq !== undefined && w.entry.modes.includes('perf') && inst.perf_mode === 'stat') {
    say(`${w.entry.name}: --perf-freq ${overrides.perfFreq} has no effect: its perf mode runs \`perf stat\` (perf_mode: stat), which counts and does not sample; set perf_mode: record to sample at that frequency`);
  }
  const flagOf = { perf_freq: ['--perf-freq', overrides.perfFreq], agent_bin: ['--agent-bin', overrides.agentBin], agent_config: ['--agent-config', overrides.agentConfig], metrics_port: ['--metrics-port', overrides.metricsPort] } as const;
  for (const [key, [flag, value]] of Object.entries(flagOf)) {
    if (value !== undefined && w.entry.parameters && Object.hasOwn(w.entry.parameters, `instrumentation.${key}`)) {
      say(`${w.entry.name}: ${flag} ${value} replaces the parameter instrumentation.${key} in every variant (the command line is the last layer of the merge)`);
    }
  }
  if ((overrides.agentBin !== undefined || overrides.metricsPort !== undefined) && w.entry.modes.includes('microsentinel') && inst.observer_command) {
    say(`${w.entry.name}: --agent-bin/--metrics-port have no effect: instrumentation.observer_command replaces the agent's command line`);
  }
}

// Workload lints (NFV stage hosts on loopback while the generator is remote: experiments/workloads/nfv/README.md): errors by
// default; `lint.loopback_with_remote: warn` reports them without stopping the plan.
function lintResolved(resolved: ResolvedVariant, w: LoadedWorkload, issues: IssueCollector, warnings: string[]): void {
  for (const lint of lintWorkload(resolved)) {
    const issue = blameRenderError(new RenderError(lint.message, lint.path, lint.hint), resolved, w.configSource);
    if (resolved.config.workload.lint?.loopback_with_remote === 'warn') warnings.push(formatIssue(issue).trim());
    else issues.add(issue);
  }
  for (const lint of lintClientMetrics(resolved)) warnings.push(formatIssue(blameRenderError(new RenderError(lint.message, lint.path, lint.hint), resolved, w.configSource)).trim());
}

// The part of a run's identity shared by its modes and repetitions, as canonical JSON (computed once
// per variant: planning a million runs must not stringify the parameters a million times).
function idJsonTail(variant: Variant, configHash: string, mutation: PlannedMutation | undefined): string {
  return [variant.params, configHash, HARNESS_VERSION, mutation ? [mutation.patchSha256, mutation.build ?? ''] : null].map(canonicalJson).join(',');
}

function makeRun(suite: LoadedSuite, w: LoadedWorkload, variant: Variant, mode: Mode, repetition: number, resolved: ResolvedVariant, idTail: string, overridesJson: string, checks: Pick<PlannedRun, 'validity' | 'expect' | 'mutation' | 'precision'>): PlannedRun {
  const name = `${w.entry.name}/${mode}/${variant.label}/${repetition}`;
  // The harness version is part of the identity: a new harness never resumes an old harness's result.
  // Same value as hashValue([suite, workload, mode, repetition, params, configHash, version, mutation]):
  // canonical JSON of an array is its elements' canonical JSON joined by commas.
  const baseId = sha256(`[${canonicalJson(suite.name)},${canonicalJson(w.entry.name)},${canonicalJson(mode)},${repetition},${idTail}]`).slice(0, 12);
  // Flags are part of a run's identity (--resume never reuses a `-F 999` result for `--perf-freq 2000`),
  // not of the generated file's: the file records baseId.
  const id = overridesJson === '{}' ? baseId : sha256(`${baseId},${overridesJson}`).slice(0, 12);
  // (The base commit is recorded in plan.json, not hashed: committing the generated files would
  // otherwise change every id and make them stale.)
  const timeoutMs = w.entry.timeout_s ? Math.round(w.entry.timeout_s * 1000) : runTimeoutMs(resolved, mode);
  return { id, baseId, name, suite: suite.name, workload: w.entry.name, mode, variant, repetition, order: 0, timeoutMs, resolved, source: w, ...checks };
}

// Render a run with placeholder paths so unknown `{{variables}}` and bad commands fail at plan time.
function checkRendering(run: PlannedRun | undefined, suite: LoadedSuite, issues: IssueCollector, splitCache: Map<string, readonly string[]>): void {
  if (!run) return;
  try {
    renderRunCommands(run, { rootDir: suite.rootDir, artifactDir: '/nonexistent/artifacts/run', splitCache });
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    issues.add(blameRenderError(err, run.resolved, run.source.configSource));
  }
}

function blameRenderError(err: RenderError, resolved: ResolvedVariant, fallback: YamlSource): ConfigIssue {
  const layers = resolved.layers;
  for (let depth = err.path.length; depth >= 0; depth--) {
    for (let i = layers.length - 1; i >= 0; i--) {
      const sourcePath = layers[i]!.toSourcePath(err.path.slice(0, depth));
      if (sourcePath && layers[i]!.source.has(sourcePath)) {
        const issue = layers[i]!.source.issueAt(sourcePath, err.message, err.hint ? { hint: err.hint } : {});
        return { ...issue, keyPath: issue.keyPath || formatKeyPath(err.path) };
      }
    }
  }
  return fallback.issueAt([], `${formatKeyPath(err.path)}: ${err.message}`, err.hint ? { hint: err.hint } : {});
}
