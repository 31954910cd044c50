import { GithubActionsReporter } from './github-reporter.ts';
import { JUnitReporter } from './junit-reporter.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { ReporterMultiplexer, type HarnessReporter, type SuiteError, type SuiteReport } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';
import { SummaryReporter } from './summary-reporter.ts';
import { summarizeRuns, type SuiteSummary } from './summary.ts';
import { judgeOutcomes } from './judge-outcomes.ts';
import { HtmlReporter } from './html-reporter.ts';
import { reportPaths, type ReportSettings } from './report-paths.ts';

// The reporters of a suite run: progress always; files at the end; GitHub Actions when it is the host.
export function createReporters(settings: ReportSettings, extra: HarnessReporter[] = [], { progress = true } = {}): ReporterMultiplexer {
  const reporters: HarnessReporter[] = [...(progress ? [new ProgressReporter()] : []), new SummaryReporter(), new JUnitReporter(settings.rootDir), new HtmlReporter()];
  if (settings.github) reporters.push(new GithubActionsReporter(settings.rootDir, settings.github));
  return new ReporterMultiplexer([...reporters, ...extra]);
}

export interface FinishContext {
  settings: ReportSettings;
  startedAt: Date;
  /** Errors Vitest saw outside any run (unhandled rejections, …): reported with every suite. @default none */
  errors?: SuiteError[];
  /** The test run was interrupted (Vitest's onTestRunEnd reason). @default false */
  interrupted?: boolean;
}

// Build each suite's report from the outcomes (judging overhead expectations that waited for a
// baseline: judge-outcomes.ts) and hand it to the reporters.
export async function finishSuites(mux: ReporterMultiplexer, outcomesIn: RunOutcome[], ctx: FinishContext): Promise<SuiteReport[]> {
  const suites = [...new Set(outcomesIn.map((o) => o.suite))];
  const reports: SuiteReport[] = [];
  for (const suite of suites) {
    const mine = judgeOutcomes(outcomesIn.filter((o) => o.suite === suite));
    const paths = reportPaths(ctx.settings, suite, suites.length > 1);
    const records = mine.flatMap((o) => (o.record ? [o.record] : []));
    const descriptor = mine[0]!.descriptor;
    const errors = ctx.errors ?? [];
    const interrupted = ctx.interrupted ?? false;
    const report: SuiteReport = {
      suite,
      descriptor,
      outcomes: mine,
      summary: withOutcomes(summarizeRuns(records, { suite, descriptor }), mine, errors, interrupted),
      errors,
      interrupted,
      reportsDir: paths.reportsDir,
      summaryPath: paths.summary,
      startedAt: ctx.startedAt,
      finishedAt: new Date(),
    };
    await mux.onSuiteEnd(report);
    reports.push(report);
  }
  return reports;
}

// What the records alone cannot tell the summary: runs that errored without a result (a file that
// failed to load, an interruption), each failure's kind and headline, errors outside runs.
function withOutcomes(summary: SuiteSummary, outcomes: readonly RunOutcome[], errors: SuiteError[], interrupted: boolean): SuiteSummary {
  const unrecorded = outcomes.filter((o) => !o.record && o.state === 'error').length;
  const failures = outcomes
    .filter((o) => o.state === 'failed' || o.state === 'error')
    .map((o) => ({ name: o.name, state: o.state as 'failed' | 'error', kind: o.error?.kind ?? 'internal', message: (o.error?.message ?? o.state).split('\n')[0]! }));
  const notNeeded = outcomes.filter((o) => o.state === 'skipped' && o.skipReason?.startsWith('precision: ')).length;
  return { ...summary, runs: { ...summary.runs, total: summary.runs.total + unrecorded, errors: outcomes.filter((o) => o.state === 'error').length, ...(notNeeded > 0 ? { not_needed: notNeeded } : {}) }, failures, errors, interrupted };
}
