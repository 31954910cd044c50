import path from 'node:path';
import type { RunRecord } from '../../results/artifact-store.ts';
import { html, type SafeHtml } from './html.ts';
import { fileHref, firstLine, formatDuration, formatNumber } from '../format.ts';

const KEY_METRICS = [
  ['throughput_rps', 'req/s'],
  ['p50_us', 'p50 µs'],
  ['p99_us', 'p99 µs'],
  ['send_lag_p99_us', 'send lag p99 µs'],
  ['server_cpu_us_per_req', 'CPU µs/req'],
  ['errors', 'errors'],
] as const;

// Links to a run's folder, its run_result.json and every command's log (relative to the report's folder).
function runLinks(r: RunRecord, base: string | undefined): SafeHtml {
  const links = [html`<a class="folder" href="${fileHref(r.dir, base, { folder: true })}">folder</a>`, html`<a class="result" href="${fileHref(path.join(r.dir, 'run_result.json'), base)}">run_result.json</a>`];
  const logs = [...new Set(r.result.commands.map((c) => c.log).filter((l) => l))];
  for (const log of logs) links.push(html`<a class="log" href="${fileHref(path.resolve(r.dir, log), base)}">${path.basename(log)}</a>`);
  if (r.result.error?.log && !logs.includes(r.result.error.log)) links.push(html`<a class="log" href="${fileHref(path.resolve(r.dir, r.result.error.log), base)}">${path.basename(r.result.error.log)}</a>`);
  return html`${links.map((l, i) => html`${i ? ' · ' : ''}${l}`)}`;
}

function statusCell(r: RunRecord): SafeHtml {
  const { status, error } = r.result;
  const detail = error ? html`<div class="error">${error.kind ? html`<b>${error.kind}</b>: ` : ''}${firstLine(error.message)}</div>` : '';
  return html`<td><span class="status ${status}">${status}</span>${detail}</td>`;
}

// One row per run: identity, status (failures highlighted with the error's first line), key metrics, links.
export function renderRunsTable(records: readonly RunRecord[], artifactLinkBase: string | undefined): SafeHtml {
  if (records.length === 0) return html`<p class="empty">No runs were recorded.</p>`;
  const sorted = [...records].sort((a, b) => a.result.run.order - b.result.run.order);
  const rows = sorted.map((r) => {
    const run = r.result.run;
    const metrics = KEY_METRICS.map(([key]) => html`<td class="num">${formatNumber(r.result.key_metrics[key])}</td>`);
    return html`<tr class="run ${r.result.status}" data-run-id="${run.id}">
<td class="name">${run.name}</td><td>${run.workload}</td><td>${run.mode}</td><td>${run.variant}</td><td class="num">${run.repetition}</td>
${statusCell(r)}<td class="num">${formatDuration(r.result.duration_ms)}</td>${metrics}<td class="links">${runLinks(r, artifactLinkBase)}</td></tr>`;
  });
  return html`<table class="runs">
<thead><tr><th>run</th><th>workload</th><th>mode</th><th>variant</th><th>rep</th><th>status</th><th>duration</th>${KEY_METRICS.map(([, title]) => html`<th>${title}</th>`)}<th>artifacts</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}
