import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { HarnessTaskMeta } from '../results/task-meta.ts';
import { findProjectRoot } from '../config/project-root.ts';
import { runOptionsFromEnv } from '../plan/run-options-env.ts';
import { createReporters, finishSuites } from './suite-reports.ts';
import type { ReporterMultiplexer } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';
import { readRunRecord, type RunRecord } from './run-records.ts';
import { removeStaleReports } from './stale-reports.ts';

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
  private announced = 0;

  private mux(): ReporterMultiplexer {
    this.multiplexer ??= createReporters(this.rootDir, runOptionsFromEnv());
    return this.multiplexer;
  }

  onTestModuleCollected(module: TestModule): void {
    const cases = [...module.children.allTests()].filter(isExperiment);
    if (cases.length === 0) return;
    const { suite } = suiteOf(cases[0]!);
    const total = Number(process.env.HARNESS_TOTAL_RUNS) || cases.length + this.announced;
    if (this.announced === 0) this.mux().onSuiteStart({ suite, totalRuns: total });
    this.announced += cases.length;
  }

  onTestCaseResult(tc: TestCase): void {
    if (isExperiment(tc)) this.mux().onRunEnd(outcomeFromTestCase(tc));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const outcomes = modules.flatMap((m) => [...m.children.allTests()]).filter(isExperiment).map(outcomeFromTestCase);
    if (outcomes.length === 0) {
      removeStaleReports(this.rootDir, runOptionsFromEnv(), modules.map((m) => m.moduleId));
      return;
    }
    await finishSuites(this.mux(), outcomes, { rootDir: this.rootDir, options: runOptionsFromEnv(), startedAt: this.startedAt });
  }
}
