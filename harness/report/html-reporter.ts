import path from 'node:path';
import type { HarnessReporter, SuiteReport } from './reporter.ts';

/** Writes reports/index.html (self-contained, offline). */
export class HtmlReporter implements HarnessReporter {
  readonly name = 'html';

  async onSuiteEnd(report: SuiteReport): Promise<void> {
    // Loaded lazily: the renderer pulls in a chart library only when a report is written.
    const { writeHtmlReport } = await import('./html/render-html-report.ts');
    const records = report.outcomes.flatMap((o) => (o.record ? [o.record] : []));
    writeHtmlReport(path.join(report.reportsDir, 'index.html'), report.summary, records);
  }
}
