import type { GroupSummary, SuiteSummary } from '../summary.ts';
import { html, type SafeHtml } from './html.ts';
import { formatInterval, formatPercent } from './format.ts';

function metricCell(g: GroupSummary, metric: string): SafeHtml {
  const m = g.metrics[metric];
  if (!m) return html`<td class="num">–</td>`;
  return html`<td class="num" title="${`n = ${m.n}, cv = ${m.cv ?? '–'}`}">${formatInterval(m.median, m.ci95)}</td>`;
}

function overheadCell(summary: SuiteSummary, g: GroupSummary, metric: string): SafeHtml {
  if (g.mode === 'baseline') return html`<td class="num muted">baseline</td>`;
  const o = summary.overhead.find((x) => x.workload === g.workload && x.variant === g.variant && x.mode === g.mode && x.metric === metric);
  if (!o) return html`<td class="num">–</td>`;
  const interval = o.ci95 ? ` [${formatPercent(o.ci95.low)}, ${formatPercent(o.ci95.high)}]` : '';
  return html`<td class="num" title="${o.reason ?? `${o.blocks} repetition blocks`}">${formatPercent(o.percent)}${interval}</td>`;
}

// The numbers behind a workload's charts: one row per mode × variant, medians with 95 % intervals.
export function renderGroupTable(summary: SuiteSummary, groups: readonly GroupSummary[]): SafeHtml {
  const rows = groups.map(
    (g) => html`<tr${g.failed > 0 ? html` class="has-failed"` : ''}>
<td>${g.variant}</td><td>${g.mode}</td><td class="num">${g.passed}/${g.runs}${g.failed ? html` <span class="bad">(${g.failed} failed)</span>` : ''}</td>
${metricCell(g, 'throughput_rps')}${metricCell(g, 'p50_us')}${metricCell(g, 'p99_us')}
${overheadCell(summary, g, 'throughput_rps')}${overheadCell(summary, g, 'p99_us')}</tr>`,
  );
  return html`<table class="groups">
<thead><tr><th>variant</th><th>mode</th><th>passed</th><th>throughput req/s<br><small>median [95 % CI]</small></th><th>p50 µs</th><th>p99 µs</th><th>overhead<br><small>throughput</small></th><th>overhead<br><small>p99</small></th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

// The groups' sample warnings, each message once with the groups it applies to.
export function renderGroupWarnings(groups: readonly GroupSummary[]): SafeHtml {
  const byMessage = new Map<string, string[]>();
  for (const g of groups) for (const w of g.warnings) byMessage.set(w, [...(byMessage.get(w) ?? []), `${g.variant} · ${g.mode}`]);
  if (byMessage.size === 0) return html``;
  const items = [...byMessage].map(([message, where]) => html`<li>${message} <span class="muted">— ${where.join(', ')}</span></li>`);
  const list = html`<ul class="warnings group-warnings">${items}</ul>`;
  // A long list would bury the runs table: fold it (a native element, no script).
  return items.length > 6 ? html`<details class="group-warnings"><summary>${items.length} sample warnings</summary>${list}</details>` : list;
}
