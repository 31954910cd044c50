import type { RecoveryRow } from '../recovery.ts';
import { html, type SafeHtml } from './html.ts';
import { formatInterval, formatNumber } from '../format.ts';

const METRIC_LABEL: Record<string, string> = { server_cpu_us_per_req: 'Δ server CPU µs/req', p50_us: 'Δ p50 µs' };

// Injected vs recovered cost, per injected amount and metric: what the ruler saw of a cost it was told about.
export function renderRecoveryTable(rows: readonly RecoveryRow[]): SafeHtml {
  if (rows.length === 0) return html``;
  const body = rows.map((r) => {
    const verdict = r.covers === null ? html`<span class="muted">no interval</span>` : r.covers ? html`<span class="good">covers D</span>` : html`<span class="bad">misses D</span>`;
    return html`<tr><td>${r.mode}</td><td class="num">${formatNumber(r.injected_us)}</td><td>${METRIC_LABEL[r.metric] ?? r.metric}</td><td class="num">${formatInterval(r.delta, r.ci95)}</td><td class="num">${formatNumber(r.recovered_ratio * 100)} %</td><td class="num">${r.blocks}</td><td>${verdict}</td></tr>`;
  });
  return html`<h3>Known-cost recovery</h3>
<p class="legend-note">Each variant injects D µs of busy work per request; recovered = mean over repetitions of (run with D − same repetition with D = 0), Student-t 95 % interval over repetitions.</p>
<table class="recovery">
<thead><tr><th>mode</th><th>injected D µs</th><th>metric</th><th>recovered<br><small>mean [95 % CI]</small></th><th>recovered ÷ D</th><th>blocks</th><th>interval</th></tr></thead>
<tbody>${body}</tbody>
</table>`;
}
