import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { findProjectRoot } from '../config/project-root.ts';
import { runOptionsFromEnv } from '../plan/run-options-env.ts';
import { createReporters, finishSuites } from './suite-reports.ts';
import type { ReporterMultiplexer } from './reporter.ts';
import { isExperimentFile, outcomeFromTestCase, outcomesOfModules, suiteOfFile } from './vitest-outcomes.ts';
import { removeStaleReports } from './stale-reports.ts';

/**
 * Vitest reporter for experiment suites: progress per run, then JUnit, summary.json, the HTML
 * report and the GitHub Actions job summary. It reads task metadata and artifact folders only, and
 * reports everything Vitest saw: files that failed to load, unhandled errors, an interrupted run.
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
    const cases = [...module.children.allTests()].filter((tc) => isExperimentFile(tc.module.moduleId, tc.project.name));
    if (cases.length === 0) return;
    const { suite } = suiteOfFile(cases[0]!.module.moduleId);
    const total = Number(process.env.HARNESS_TOTAL_RUNS) || cases.length + this.announced;
    if (this.announced === 0) this.mux().onSuiteStart({ suite, totalRuns: total });
    this.announced += cases.length;
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
