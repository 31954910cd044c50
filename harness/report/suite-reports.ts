import path from 'node:path';
import type { RunOptions } from '../plan/resolve-config.ts';
import { GithubActionsReporter } from './github-reporter.ts';
import { JUnitReporter } from './junit-reporter.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { ReporterMultiplexer, type HarnessReporter, type SuiteReport } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';
import { SummaryReporter } from './summary-reporter.ts';
import { summarizeRuns } from './summary.ts';
import { HtmlReporter } from './html-reporter.ts';
import { unsafeNameReason } from '../util/safe-name.ts';
import { isInside, UnsafeFileError } from '../util/safe-file.ts';

export interface ReportPaths {
  reportsDir: string;
  junit: string;
  summary: string;
  html: string;
}

// reports/junit.xml, reports/summary.json (or --summary), reports/index.html; per-suite folders when several ran.
export function reportPaths(rootDir: string, options: RunOptions, suite: string, several: boolean): ReportPaths {
  const base = path.resolve(rootDir, process.env.HARNESS_REPORTS_DIR ?? 'reports');
  // The suite name may come from an artifact (merge): it must stay one folder inside the reports root.
  if (several && (unsafeNameReason(suite) || !isInside(base, path.join(base, suite)))) throw new UnsafeFileError(path.join(base, suite), `suite name \`${suite}\` cannot name a reports folder`);
  const reportsDir = several ? path.join(base, suite) : base;
  const summary = options.summary && !several ? path.resolve(rootDir, options.summary) : path.join(reportsDir, 'summary.json');
  return { reportsDir, junit: path.join(reportsDir, 'junit.xml'), summary, html: path.join(reportsDir, 'index.html') };
}

// The reporters of a suite run: progress always; files at the end; GitHub Actions when it is the host.
export function createReporters(rootDir: string, _options: RunOptions, extra: HarnessReporter[] = [], { progress = true } = {}): ReporterMultiplexer {
  const reporters: HarnessReporter[] = [...(progress ? [new ProgressReporter()] : []), new SummaryReporter(), new JUnitReporter(rootDir), new HtmlReporter()];
  if (GithubActionsReporter.enabled()) reporters.push(new GithubActionsReporter(rootDir));
  return new ReporterMultiplexer([...reporters, ...extra]);
}

// Build each suite's report from the outcomes and hand it to the reporters.
export async function finishSuites(mux: ReporterMultiplexer, outcomes: RunOutcome[], ctx: { rootDir: string; options: RunOptions; startedAt: Date }): Promise<SuiteReport[]> {
  const suites = [...new Set(outcomes.map((o) => o.suite))];
  const reports: SuiteReport[] = [];
  for (const suite of suites) {
    const mine = outcomes.filter((o) => o.suite === suite);
    const paths = reportPaths(ctx.rootDir, ctx.options, suite, suites.length > 1);
    const records = mine.flatMap((o) => (o.record ? [o.record] : []));
    const descriptor = mine[0]!.descriptor;
    const report: SuiteReport = {
      suite,
      descriptor,
      outcomes: mine,
      summary: summarizeRuns(records, { suite, descriptor }),
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
