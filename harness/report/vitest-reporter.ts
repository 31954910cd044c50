import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node';
import { findProjectRoot } from '../config/project-root.ts';
import { runOptionsFromEnv } from '../plan/run-options-env.ts';
import { createReporters, finishSuites } from './suite-reports.ts';
import type { ReporterMultiplexer } from './reporter.ts';
import { isExperimentFile, outcomeFromTestCase, outcomesOfModules } from './vitest-outcomes.ts';
import { removeStaleReports } from './stale-reports.ts';
import { plannedRuns } from './planned-runs.ts';
import { shardPaths, type Shard } from '../compile/shard.ts';

/**
 * Vitest reporter for experiment suites: progress per run, then JUnit, summary.json, the HTML
 * report and the GitHub Actions job summary. It reads task metadata and artifact folders only, and
 * reports everything Vitest saw: files that failed to load, unhandled errors, an interrupted run.
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
    if (isExperimentFile(tc.module.moduleId, tc.project.name)) this.mux().onRunEnd(outcomeFromTestCase(tc));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): Promise<void> {
    const interrupted = reason === 'interrupted';
    const outcomes = outcomesOfModules(this.rootDir, modules, interrupted);
    // Only experiment runs make a suite report: the harness's own tests have their own reporters.
    if (outcomes.length === 0) {
      removeStaleReports(this.rootDir, runOptionsFromEnv(), modules.map((m) => m.moduleId));
      return;
    }
    const errors = unhandledErrors.map((e) => ({ message: `${e.name ?? 'Error'}: ${e.message ?? String(e)}` }));
    await finishSuites(this.mux(), outcomes, { rootDir: this.rootDir, options: runOptionsFromEnv(), startedAt: this.startedAt, errors, interrupted });
  }
}
