import type { RunRecord } from '../../results/artifact-store.ts';
import type { GroupSummary, SuiteSummary } from '../summary.ts';
import { html, trustedHtml, type SafeHtml } from './html.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { renderIntervalBarChart, type IntervalBar } from './interval-bar-chart.ts';
import { collectLatencyCurves, renderLatencyCdfChart } from './latency-cdf.ts';

/** What every chart of a report shares. */
export interface ChartContext {
  colors: ReadonlyMap<string, string>;
  /** All modes of the suite, in legend order. */
  modes: readonly string[];
}

const METRIC_AXES: Record<string, string> = {
  throughput_rps: 'throughput (req/s)',
  p50_us: 'p50 latency (µs)',
  p99_us: 'p99 latency (µs)',
  server_cpu_us_per_req: 'server CPU per request (µs)',
  host_cpu_us_per_req: 'host CPU per request (µs)',
  capacity_rps: 'capacity (req/s)',
};

/** The metrics charted per group and as overhead (a chart is left out when no run has its metric). */
const CHARTED = ['throughput_rps', 'p50_us', 'p99_us', 'server_cpu_us_per_req', 'host_cpu_us_per_req', 'capacity_rps'];

/** Characters of a bar's row label that fit its axis (200 px at 12 px, see interval-bar-chart.ts). */
const LABEL_CHARS = 30;
const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

// A chart in the page: a figure the browser test and readers can find by `data-chart`.
export function chartFigure(id: string, title: string, svg: string, note?: string): SafeHtml {
  return html`<figure class="chart" data-chart="${id}"><figcaption>${title}${note ? html` <span class="note">${note}</span>` : ''}</figcaption>${trustedHtml(svg)}</figure>`;
}

// Bars of one metric's median per group, with the 95 % interval; null when no group has the metric.
function metricChart(workload: string, groups: readonly GroupSummary[], metric: string, label: (g: { mode: string; variant: string }) => string, ctx: ChartContext): SafeHtml | null {
  if (!groups.some((g) => g.metrics[metric])) return null;
  const bars: IntervalBar[] = groups.map((g) => ({ label: label(g), series: g.mode, value: g.metrics[metric]?.median ?? null, interval: g.metrics[metric]?.ci95 ?? null }));
  const svg = renderIntervalBarChart(bars, { axisName: METRIC_AXES[metric] ?? metric, colors: ctx.colors, format: formatNumber });
  return chartFigure(`${workload}/${metric}`, METRIC_AXES[metric] ?? metric, svg, 'median, 95 % interval');
}

// Bars of each mode's overhead against baseline on one metric, with the interval; null when there is none.
function overheadChart(workload: string, summary: SuiteSummary, metric: string, label: (g: { mode: string; variant: string }) => string, ctx: ChartContext): SafeHtml | null {
  // Rows whose percentile was not measurable have no number to draw (the table says why).
  const rows = summary.overhead.filter((o): o is typeof o & { percent: number } => o.workload === workload && o.metric === metric && o.percent !== null);
  if (rows.length === 0) return null;
  const order = (mode: string): number => ctx.modes.indexOf(mode);
  rows.sort((a, b) => a.variant.localeCompare(b.variant) || order(a.mode) - order(b.mode));
  const bars: IntervalBar[] = rows.map((o) => ({ label: label(o), series: o.mode, value: o.percent, interval: o.ci95 }));
  const title = `overhead on ${METRIC_AXES[metric] ?? metric}`;
  const svg = renderIntervalBarChart(bars, { axisName: 'cost vs baseline (%)', colors: ctx.colors, format: formatPercent });
  return chartFigure(`${workload}/overhead/${metric}`, title, svg, 'positive = costs, paired by repetition');
}

// Every chart of one workload: throughput, latency, overhead, and a latency CDF per variant.
export function renderWorkloadCharts(workload: string, summary: SuiteSummary, records: readonly RunRecord[], ctx: ChartContext): SafeHtml[] {
  const order = (mode: string): number => ctx.modes.indexOf(mode);
  const groups = summary.groups.filter((g) => g.workload === workload).sort((a, b) => a.variant.localeCompare(b.variant) || order(a.mode) - order(b.mode));
  const variants = [...new Set(groups.map((g) => g.variant))];
  // With one variant the mode alone names a row; with several, the variant comes first, shortened so the mode stays visible.
  const label = (g: { mode: string; variant: string }): string => (variants.length > 1 ? `${shorten(g.variant, Math.max(8, LABEL_CHARS - 3 - g.mode.length))} · ${g.mode}` : g.mode);
  const charts: (SafeHtml | null)[] = [
    ...CHARTED.map((m) => metricChart(workload, groups, m, label, ctx)),
    ...CHARTED.map((m) => overheadChart(workload, summary, m, label, ctx)),
  ];
  for (const variant of variants) {
    const curves = collectLatencyCurves(records.filter((r) => r.result.run.workload === workload && r.result.run.variant === variant));
    if (curves.length === 0) continue;
    const runs = new Set(curves.map((c) => c.dir)).size;
    const title = variants.length > 1 ? `latency CDF — ${variant}` : 'latency CDF';
    charts.push(chartFigure(`${workload}/cdf/${variant}`, title, renderLatencyCdfChart(curves, ctx), `one line per client of ${runs} passed run${runs === 1 ? '' : 's'}`));
  }
  return charts.filter((c): c is SafeHtml => c !== null);
}
