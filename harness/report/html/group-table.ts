import type { GroupSummary, SuiteSummary } from '../summary.ts';
import { html, trustedHtml, type SafeHtml } from './html.ts';
import { formatInterval, formatNumber, formatPercent } from '../format.ts';

function metricCell(g: GroupSummary, metric: string): SafeHtml {
  const m = g.metrics[metric];
  if (!m) return html`<td class="num">–</td>`;
  const nm = g.not_measurable && Object.hasOwn(g.not_measurable, metric) ? g.not_measurable[metric] : undefined;
  if (nm) return html`<td class="num not-measurable" title="${nm.reason}">${formatInterval(m.median, m.ci95)}<br><small>not measurable here (${nm.runs} of ${nm.of} runs)</small></td>`;
  return html`<td class="num" title="${`n = ${m.n}, cv = ${m.cv ?? '–'}`}">${formatInterval(m.median, m.ci95)}</td>`;
}

function overheadCell(summary: SuiteSummary, g: GroupSummary, metric: string): SafeHtml {
  if (g.mode === 'baseline') return html`<td class="num muted">baseline</td>`;
  const o = summary.overhead.find((x) => x.workload === g.workload && x.variant === g.variant && x.mode === g.mode && x.metric === metric);
  if (!o) return html`<td class="num">–</td>`;
  if (o.percent === null) return html`<td class="num not-measurable" title="${o.reason ?? ''}">not measurable</td>`;
  const interval = o.ci95 ? ` [${formatPercent(o.ci95.low)}, ${formatPercent(o.ci95.high)}]` : '';
  // The half-width is the smallest overhead this run could have told from zero.
  const resolution = typeof o.half_width === 'number' ? html`<br><small class="half-width">± ${formatNumber(o.half_width)} pp</small>` : '';
  return html`<td class="num" title="${o.reason ?? `${o.blocks} repetition blocks`}">${formatPercent(o.percent)}${interval}${resolution}</td>`;
}

/** Columns beyond throughput and latency, shown when some group has them: CPU cost and capacity. */
const COST_COLUMNS: [string, string][] = [
  ['server_cpu_us_per_req', 'server CPU µs/req'],
  ['host_cpu_us_per_req', 'host CPU µs/req<br><small>server + observer + monitors</small>'],
  ['observer_cpu_us_per_req', 'observer CPU µs/req'],
  ['server_cpu_pct', 'server CPU %<br><small>of one core</small>'],
  ['observer_cpu_pct', 'observer CPU %<br><small>of one core</small>'],
  ['capacity_rps', 'capacity req/s'],
];
const COST_OVERHEAD: [string, string][] = [
  ['server_cpu_us_per_req', 'CPU/req'],
  ['host_cpu_us_per_req', 'host CPU/req'],
  ['capacity_rps', 'capacity'],
];

// The numbers behind a workload's charts: one row per mode × variant, medians with 95 % intervals.
export function renderGroupTable(summary: SuiteSummary, groups: readonly GroupSummary[]): SafeHtml {
  const cost = COST_COLUMNS.filter(([m]) => groups.some((g) => g.metrics[m]));
  const costOverhead = COST_OVERHEAD.filter(([m]) => summary.overhead.some((o) => o.metric === m && groups.some((g) => g.workload === o.workload)));
  const rows = groups.map(
    (g) => html`<tr${g.failed > 0 ? html` class="has-failed"` : ''}>
<td>${g.variant}</td><td>${g.mode}</td><td class="num">${g.passed}/${g.runs}${g.failed ? html` <span class="bad">(${g.failed} failed)</span>` : ''}</td>
${metricCell(g, 'throughput_rps')}${metricCell(g, 'p50_us')}${metricCell(g, 'p99_us')}${cost.map(([m]) => metricCell(g, m))}
${overheadCell(summary, g, 'throughput_rps')}${overheadCell(summary, g, 'p99_us')}${costOverhead.map(([m]) => overheadCell(summary, g, m))}</tr>`,
  );
  return html`<table class="groups">
<thead><tr><th>variant</th><th>mode</th><th>passed</th><th>throughput req/s<br><small>median [95 % CI]</small></th><th>p50 µs</th><th>p99 µs</th>${cost.map(([, t]) => html`<th>${trustedHtml(t)}</th>`)}<th>overhead<br><small>throughput</small></th><th>overhead<br><small>p99</small></th>${costOverhead.map(([, t]) => html`<th>overhead<br><small>${t}</small></th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

// Each latency percentile a group could not measure, in words (the p50/p99 cells only say "not measurable").
export function renderNotMeasurable(groups: readonly GroupSummary[]): SafeHtml {
  const items = groups.flatMap((g) => Object.entries(g.not_measurable ?? {}).map(([, v]) => html`<li>${v.reason} <span class="muted">— ${g.variant} · ${g.mode}, ${v.runs} of ${v.of} runs</span></li>`));
  return items.length > 0 ? html`<ul class="warnings not-measurable">${items}</ul>` : html``;
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
