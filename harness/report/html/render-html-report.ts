import path from 'node:path';
import type { RunRecord } from '../../results/artifact-store.ts';
import type { SuiteSummary } from '../summary.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { html, trustedHtml, type SafeHtml } from './html.ts';
import { renderGroupTable, renderGroupWarnings, renderNotMeasurable } from './group-table.ts';
import { assignModeColors, sortModes } from './mode-colors.ts';
import { REPORT_CSS } from './report-style.ts';
import { renderRunsTable } from './runs-table.ts';
import { renderRecoveryTable } from './recovery-table.ts';
import { renderPrecisionTable } from './precision-table.ts';
import { renderWorkloadCharts, type ChartContext } from './workload-charts.ts';

export interface HtmlReportOptions {
  /** @default `${suite} — experiment report` */
  title?: string;
  /** Folder the HTML lives in: links to artifact folders are made relative to it. @default none: absolute file:// links */
  artifactLinkBase?: string;
}

// No script, no fetch: the page may only use its own inline styles and data: images.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const anchor = (workload: string): string => `workload-${workload.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function renderHeader(summary: SuiteSummary, title: string, workloads: readonly string[]): SafeHtml {
  const { total, passed, failed, interrupted, errors = 0 } = summary.runs;
  return html`<header>
<h1>${title}</h1>
<dl class="meta">
<div><dt>suite</dt><dd>${summary.suite}</dd></div>
<div><dt>descriptor</dt><dd>${summary.descriptor}</dd></div>
<div><dt>generated</dt><dd><time datetime="${summary.generated_at}">${summary.generated_at}</time></dd></div>
<div class="counts"><dt>runs</dt><dd>${total} total · <span class="passed">${passed} passed</span> · <span class="${failed ? 'failed' : ''}">${failed} failed</span>${interrupted ? ` · ${interrupted} interrupted` : ''}${errors ? html` · <a class="failed" href="#errors">${errors} could not run</a>` : ''}</dd></div>
</dl>
${summary.warnings.length ? html`<ul class="warnings suite-warnings">${summary.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${workloads.length ? html`<nav>${workloads.map((w) => html`<a href="#${anchor(w)}">${w}</a>`)}<a href="#runs">runs</a></nav>` : ''}
</header>`;
}

// Runs that could not run or finish (their file failed to load, an interruption) and errors outside
// any run: they have no run_result.json, so the runs table cannot show them.
function renderErrors(summary: SuiteSummary): SafeHtml | '' {
  const runs = (summary.failures ?? []).filter((f) => f.state === 'error');
  const errors = summary.errors ?? [];
  if (runs.length === 0 && errors.length === 0 && !summary.interrupted) return '';
  return html`<section id="errors" class="errors">
<h2>Errors</h2>
${summary.interrupted ? html`<p class="interrupted">The suite was interrupted before every run ended.</p>` : ''}
${runs.length ? html`<ul class="run-errors">${runs.map((f) => html`<li><span class="name">${f.name}</span> <b>${f.kind}</b>: ${f.message}</li>`)}</ul>` : ''}
${errors.length ? html`<ul class="suite-errors">${errors.map((e) => html`<li>${e.message}</li>`)}</ul>` : ''}
</section>`;
}

function renderWorkload(workload: string, summary: SuiteSummary, records: readonly RunRecord[], ctx: ChartContext): SafeHtml {
  const groups = summary.groups.filter((g) => g.workload === workload);
  groups.sort((a, b) => a.variant.localeCompare(b.variant) || ctx.modes.indexOf(a.mode) - ctx.modes.indexOf(b.mode));
  const charts = renderWorkloadCharts(workload, summary, records, ctx);
  const body = charts.length
    ? html`<p class="legend-note">Bars: median over repetitions; whiskers: bootstrap 95 % interval of the median (none with one repetition). Overhead: cost of each mode against baseline, paired by repetition.</p><div class="charts">${charts}</div>`
    : html`<p class="empty">No passed run with metrics: nothing to chart.</p>`;
  return html`<section class="workload" id="${anchor(workload)}">
<h2>Workload ${workload}</h2>
${body}
${renderGroupTable(summary, groups)}
${renderRecoveryTable((summary.recovery ?? []).filter((r) => r.workload === workload))}
${renderPrecisionTable((summary.precision ?? []).filter((r) => r.workload === workload))}
${renderNotMeasurable(groups)}
${renderGroupWarnings(groups)}
</section>`;
}

// The suite's report as one self-contained HTML page: charts are SVG rendered here, so it needs no network and no script.
export function renderHtmlReport(summary: SuiteSummary, records: RunRecord[], opts: HtmlReportOptions = {}): string {
  const title = opts.title ?? `${summary.suite} — experiment report`;
  const modes = sortModes([...summary.groups.map((g) => g.mode), ...records.map((r) => r.result.run.mode)]);
  const ctx: ChartContext = { modes, colors: assignModeColors(modes) };
  const workloads = [...new Set([...summary.groups.map((g) => g.workload), ...records.map((r) => r.result.run.workload)])].sort();
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${trustedHtml(REPORT_CSS)}</style>
</head>
<body>
${renderHeader(summary, title, workloads)}
<main>
${renderErrors(summary)}
${workloads.map((w) => renderWorkload(w, summary, records, ctx))}
<section id="runs">
<h2>Runs</h2>
${renderRunsTable(records, opts.artifactLinkBase)}
</section>
</main>
</body>
</html>
`;
  return page.value;
}

// Write the report atomically; links to artifacts are relative to the file's folder.
export function writeHtmlReport(file: string, summary: SuiteSummary, records: RunRecord[]): void {
  writeFileAtomic(file, renderHtmlReport(summary, records, { artifactLinkBase: path.dirname(path.resolve(file)) }));
}
