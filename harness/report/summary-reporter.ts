import { writeJsonAtomic } from '../util/atomic-write.ts';
import type { HarnessReporter, SuiteReport } from './reporter.ts';

/** Writes the suite summary JSON (`--summary PATH`, default reports/summary.json). */
export class SummaryReporter implements HarnessReporter {
  readonly name = 'summary';

  onSuiteEnd(report: SuiteReport): void {
    writeJsonAtomic(report.summaryPath, report.summary);
  }
}
