import { appendFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import type { HarnessReporter, SuiteReport } from './reporter.ts';
import { renderSummaryMarkdown } from './summary-markdown.ts';

/** GitHub's limit for one step's job summary. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** Annotations per severity; the rest are counted in the summary. */
export const ANNOTATION_CAP = 10;

/** GitHub Actions' files for a step (the session's `github`: GITHUB_STEP_SUMMARY, GITHUB_OUTPUT). */
export interface GithubFiles {
  stepSummary?: string;
  output?: string;
}

/** Job summary, annotations and step outputs when running under GitHub Actions (GITHUB_ACTIONS set). */
export class GithubActionsReporter implements HarnessReporter {
  readonly name = 'github-actions';

  constructor(
    private readonly rootDir: string,
    private readonly files: GithubFiles,
  ) {}

  onSuiteEnd(report: SuiteReport): void {
    const failed = report.outcomes.filter((o) => o.state === 'failed' || o.state === 'error');
    const warned = report.summary.groups.flatMap((g) => g.warnings.map((w) => ({ g, w })));
    failed.slice(0, ANNOTATION_CAP).forEach((o) => {
      core.error(`${o.name}: ${(o.error?.message ?? 'failed').split('\n')[0]}`, { title: `Run failed: ${o.name}`, file: o.descriptor, startLine: o.descriptorLine || 1 });
    });
    warned.slice(0, ANNOTATION_CAP).forEach(({ g, w }) => {
      core.warning(`${g.workload}/${g.mode}/${g.variant}: ${w}`, { title: 'Measurement warning', file: report.descriptor });
    });
    const omitted = { errors: Math.max(0, failed.length - ANNOTATION_CAP), warnings: Math.max(0, warned.length - ANNOTATION_CAP) };
    const markdown = renderSummaryMarkdown(report, { omittedAnnotations: omitted, rootDir: this.rootDir, limitBytes: STEP_SUMMARY_LIMIT - 4096 });
    // Appended directly: core.summary caches the file path of its first write for the process's
    // lifetime, which breaks a second suite in the same process (and tests).
    if (this.files.stepSummary) appendFileSync(this.files.stepSummary, `${markdown}\n`);
    // core.setOutput writes to GITHUB_OUTPUT itself (the session read the same variable).
    if (this.files.output) {
      core.setOutput('summary-path', path.relative(this.rootDir, report.summaryPath) || report.summaryPath);
      core.setOutput('runs-total', report.outcomes.length);
      core.setOutput('runs-passed', report.outcomes.filter((o) => o.state === 'passed').length);
      core.setOutput('runs-failed', failed.length);
      core.setOutput('verdict', failed.length || report.errors.length || report.interrupted ? 'failed' : 'passed');
    }
  }
}
