import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node';
import { sessionPlan, vitestSession } from '../session/vitest-session.ts';
import type { HarnessSession } from '../session/session.ts';
import { ReporterMultiplexer } from './reporter.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { isExperimentFile, outcomeFromTestCase, outcomesOfModules } from './vitest-outcomes.ts';
import { removeStaleReports } from './stale-reports.ts';
import { plannedRuns } from './planned-runs.ts';
import { shardPaths, type Shard } from '../compile/shard.ts';

/**
 * Vitest reporter for experiment suites: progress per run, then JUnit, summary.json, the HTML
 * report and the GitHub Actions job summary. It reads task metadata and artifact folders only, and
 * reports everything Vitest saw: files that failed to load, unhandled errors, an interrupted run.
 * Its settings come from the invocation's session (handed over by `harness run`, or resolved once
 * under plain Vitest), and it plans each suite once.
 */
export default class HarnessVitestReporter implements Reporter {
  /** Progress lines while the runs go; the file reporters come at the end. */
  private readonly progress = new ReporterMultiplexer([new ProgressReporter()]);
  private readonly startedAt = new Date();
  private vitestRoot: string | undefined;
  private shard: Shard | undefined;
  /**
   * The report stack (JUnit, summary, HTML, statistics: ~0.3–0.5 s to import), loaded in the
   * background once the selection holds experiment files (onTestRunStart, while the worker starts;
   * measured: the worker's start is not slower), instead of before any run could begin; awaited when
   * the suite ends. Invocations that select none (the harness's own tests) never load it.
   */
  private reportStack: Promise<typeof import('./suite-reports.ts')> | undefined;
  private rendererRequested = false;

  private get session(): HarnessSession {
    return vitestSession().session;
  }

  onInit(vitest: Vitest): void {
    this.vitestRoot = vitest.config.root;
    this.shard = vitest.config.shard ?? undefined;
  }

  // Totals for the whole invocation from the plan: every selected file of every suite, after
  // Vitest's own --shard (which it applies after this hook), whether `harness run` or plain Vitest.
  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    const all = specifications.map((s) => s.moduleId);
    const files = this.shard ? shardPaths(this.vitestRoot ?? this.session.rootDir, all, this.shard) : all;
    if (!files.some((f) => isExperimentFile(f))) return;
    this.reportStack = import('./suite-reports.ts');
    // A failed import is reported where it is awaited, not as an unhandled rejection now.
    this.reportStack.catch(() => {});
    const { suites, totalRuns } = plannedRuns(this.session.rootDir, files, sessionPlan);
    if (suites.length > 0) this.progress.onSuiteStart({ suite: suites.join(', '), totalRuns });
  }

  // The HTML renderer and its chart library (~150 ms to import; the HTML reporter loads it lazily
  // at the end) once the first run starts: then this process waits for the worker, whose start it
  // would slow (the worker asks this process for its modules; measured +0.18 s when loaded at
  // onTestRunStart), and the suite's end finds it loaded (the same module, imported once).
  onTestCaseReady(tc: TestCase): void {
    if (this.rendererRequested || !this.reportStack || !isExperimentFile(tc.module.moduleId, tc.project.name)) return;
    this.rendererRequested = true;
    import('./html/render-html-report.ts').catch(() => {});
  }

  onTestCaseResult(tc: TestCase): void {
    if (isExperimentFile(tc.module.moduleId, tc.project.name)) this.progress.onRunEnd(outcomeFromTestCase(tc));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): Promise<void> {
    if (!modules.some((m) => isExperimentFile(m.moduleId, m.project.name))) return;
    const interrupted = reason === 'interrupted';
    const outcomes = outcomesOfModules(this.session.rootDir, modules, interrupted, sessionPlan);
    // Only experiment runs make a suite report: the harness's own tests have their own reporters.
    if (outcomes.length === 0) {
      removeStaleReports(this.session, modules.map((m) => m.moduleId));
      return;
    }
    const errors = unhandledErrors.map((e) => ({ message: `${e.name ?? 'Error'}: ${e.message ?? String(e)}` }));
    const { createReporters, finishSuites } = await (this.reportStack ?? import('./suite-reports.ts'));
    await finishSuites(createReporters(this.session, [], { progress: false }), outcomes, { settings: this.session, startedAt: this.startedAt, errors, interrupted });
  }
}
