import { precisionArm, precisionInterval, precisionIsPercent, precisionMetric, precisionUnit, type PrecisionRow } from '../precision-rows.ts';
import { html, type SafeHtml } from './html.ts';
import { formatNumber, formatPercent } from '../format.ts';

// "[+1.2 %, +3.4 %]" (overhead) or "[101, 112]" (value); an unbounded end reads ∞.
// Target, achieved width, blocks, verdict and stop reason per metric and mode: how the suite decided how long to measure.
export function renderPrecisionTable(rows: readonly PrecisionRow[]): SafeHtml {
  if (rows.length === 0) return html``;
  const body = rows.map((r) => {
    const met = r.status === 'met' ? html`<span class="good">met</span>` : r.status === 'decided' ? html`<span class="good">decided</span>` : html`<span class="bad">open</span>`;
    const estimate = precisionIsPercent(r) ? formatPercent(r.estimate) : formatNumber(r.estimate);
    const achieved = r.achieved_half_width === null ? '∞' : formatNumber(r.achieved_half_width);
    return html`<tr><td>${precisionArm(r)}</td><td>${r.variant}</td><td>${precisionMetric(r)}</td><td class="num">${estimate} ${precisionInterval(r)}</td><td class="num">±${achieved} / ±${formatNumber(r.target)} ${precisionUnit(r)}</td><td>${met}</td><td class="num">${r.blocks}</td><td>${r.verdict_text ?? '–'}</td><td>${r.stop_reason}</td></tr>`;
  });
  return html`<h3>Precision</h3>
<p class="legend-note">Blocks ran until every target was met or decided, the budget spent or max_repetitions reached. Intervals are anytime-valid ${formatNumber(rows[0]!.confidence * 100)} % confidence sequences on per-block log ratios (docs/precision.md): valid whichever block measuring stopped at.</p>
<table class="precision">
<thead><tr><th>mode</th><th>variant</th><th>metric</th><th>estimate [interval]</th><th>half-width<br><small>achieved / target</small></th><th>target</th><th>blocks</th><th>verdict</th><th>stopped by</th></tr></thead>
<tbody>${body}</tbody>
</table>`;
}
