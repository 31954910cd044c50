import path from 'node:path';
import type { Reporter, TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node';
import type { HarnessTaskMeta } from '../results/task-meta.ts';
import { findProjectRoot } from '../config/project-root.ts';
import { runOptionsFromEnv } from '../plan/run-options-env.ts';
import { createReporters, finishSuites } from './suite-reports.ts';
import type { ReporterMultiplexer } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';
import { readRunRecord, type RunRecord } from './run-records.ts';
import { plannedRuns } from './planned-runs.ts';
import { shardPaths, type Shard } from '../compile/shard.ts';

function isExperiment(tc: TestCase): boolean {
  return tc.project.name === 'experiments' || tc.module.moduleId.includes(`${path.sep}suites${path.sep}`);
}

// The generated file name: suites/<suite>/<workload>.test.ts.
function suiteOf(tc: TestCase): { suite: string; workload: string } {
  const parts = tc.module.moduleId.split(path.sep);
  return { suite: parts[parts.length - 2] ?? 'suite', workload: (parts[parts.length - 1] ?? '').replace(/\.test\.ts$/, '') };
}

// One run's outcome from its test case, its metadata and its run_result.json.
export function outcomeFromTestCase(tc: TestCase): RunOutcome {
  const meta = tc.meta().harness as HarnessTaskMeta | undefined;
  const result = tc.result();
  const [workload = suiteOf(tc).workload, mode = '', variant = '', rep = '0'] = tc.name.split('/');
  let record: RunRecord | null = null;
  if (meta?.artifactDir) {
    try {
      record = readRunRecord(meta.artifactDir);
    } catch {
      record = null;
    }
  }
  // A run skipped by --resume reports its earlier passed result.
  const state = result.state === 'passed' || (meta?.resumed && record?.result.status === 'passed') ? 'passed' : result.state === 'failed' ? 'failed' : 'skipped';
  const error = state === 'failed' ? { message: result.errors?.[0]?.message ?? 'failed', logTail: record?.result.error?.log_tail ?? null } : null;
  return {
    name: tc.name,
    suite: meta?.suite ?? suiteOf(tc).suite,
    workload: meta?.workload ?? workload,
    mode: meta?.mode ?? mode,
    variant: meta?.variant ?? variant,
    params: meta?.params ?? {},
    repetition: meta?.repetition ?? Number(rep),
    runId: meta?.runId ?? null,
    state,
    durationMs: tc.diagnostic()?.duration ?? record?.result.duration_ms ?? 0,
    error,
    skipReason: state === 'skipped' ? ((result as { note?: string }).note ?? (tc.options.mode === 'todo' ? 'todo' : 'skipped (filtered out or .skip)')) : null,
    descriptor: meta?.descriptor ?? `experiments/configs/experiments/${suiteOf(tc).suite}.yaml`,
    descriptorLine: meta?.descriptorLine ?? 0,
    artifactDir: meta?.artifactDir ?? null,
    record,
  };
}

/**
 * Vitest reporter for experiment suites: progress per run, then JUnit, summary.json, the HTML
 * report and the GitHub Actions job summary. It reads task metadata and artifact folders only.
 */
export default class HarnessVitestReporter implements Reporter {
  private readonly rootDir = findProjectRoot();
  private multiplexer: ReporterMultiplexer | undefined;
  private readonly startedAt = new Date();
  private vitestRoot = this.rootDir;
  private shard: Shard | undefined;

  private mux(): ReporterMultiplexer {
    this.multiplexer ??= createReporters(this.rootDir, runOptionsFromEnv());
    return this.multiplexer;
  }

  onInit(vitest: Vitest): void {
    this.vitestRoot = vitest.config.root;
    this.shard = vitest.config.shard ?? undefined;
  }

  // Totals for the whole invocation from the plan: every selected file of every suite, after
  // Vitest's own --shard (which it applies after this hook), whether `harness run` or plain Vitest.
  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    const all = specifications.map((s) => s.moduleId);
    const files = this.shard ? shardPaths(this.vitestRoot, all, this.shard) : all;
    const { suites, totalRuns } = plannedRuns(this.rootDir, files, runOptionsFromEnv());
    if (suites.length > 0) this.mux().onSuiteStart({ suite: suites.join(', '), totalRuns });
  }

  onTestCaseResult(tc: TestCase): void {
    if (isExperiment(tc)) this.mux().onRunEnd(outcomeFromTestCase(tc));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const outcomes = modules.flatMap((m) => [...m.children.allTests()]).filter(isExperiment).map(outcomeFromTestCase);
    if (outcomes.length === 0) return;
    await finishSuites(this.mux(), outcomes, { rootDir: this.rootDir, options: runOptionsFromEnv(), startedAt: this.startedAt });
  }
}
