import type { LineSeriesOption } from 'echarts/charts';
import type { RunRecord } from '../../results/artifact-store.ts';
import { renderChartSvg } from './echarts-svg.ts';
import { formatNumber } from '../format.ts';

/** A point of a latency CDF, as the generators write it (`histogram.percentiles`). */
export interface PercentilePoint {
  percentile: number;
  value_us: number;
}

/** One client's CDF in one run. */
export interface LatencyCurve {
  mode: string;
  run: string;
  /** The run's artifact folder: names repeat across suite invocations, folders do not. */
  dir: string;
  client: string;
  points: PercentilePoint[];
}

const isPoint = (p: unknown): p is PercentilePoint =>
  typeof p === 'object' && p !== null && Number.isFinite((p as PercentilePoint).percentile) && Number.isFinite((p as PercentilePoint).value_us);

// The percentiles of a client's metrics JSON, or null when it has no usable histogram.
export function histogramPercentiles(metrics: unknown): PercentilePoint[] | null {
  const histogram = (metrics as { histogram?: { percentiles?: unknown } } | null | undefined)?.histogram;
  const raw = histogram?.percentiles;
  if (!Array.isArray(raw)) return null;
  const points = raw.filter(isPoint).map((p) => ({ percentile: p.percentile, value_us: p.value_us }));
  points.sort((a, b) => a.percentile - b.percentile);
  // A log axis cannot show 0 µs; an empty histogram has nothing else.
  const drawable = points.filter((p) => p.value_us > 0);
  return drawable.length >= 2 ? drawable : null;
}

// Every passed run's client CDFs; runs and clients without a histogram are left out.
export function collectLatencyCurves(records: readonly RunRecord[]): LatencyCurve[] {
  const curves: LatencyCurve[] = [];
  for (const r of records) {
    if (r.result.status !== 'passed') continue;
    for (const c of r.result.commands) {
      if (c.role !== 'client') continue;
      const points = histogramPercentiles(c.metrics);
      if (points) curves.push({ mode: r.result.run.mode, run: r.result.run.name, dir: r.dir, client: c.name, points });
    }
  }
  return curves;
}

export interface LatencyCdfOptions {
  colors: ReadonlyMap<string, string>;
  /** Legend order. */
  modes: readonly string[];
  /** @default 660 */
  width?: number;
}

// CDF lines (x: latency µs on a log axis, y: percentile), one per run and client, colored by mode, as SVG.
export function renderLatencyCdfChart(curves: readonly LatencyCurve[], opts: LatencyCdfOptions): string {
  const modes = opts.modes.filter((m) => curves.some((c) => c.mode === m));
  // Lines of one mode share the series name, so the legend has one entry per mode.
  const series: LineSeriesOption[] = curves.map((c) => ({
    type: 'line',
    name: c.mode,
    showSymbol: false,
    smooth: false,
    lineStyle: { width: 1.4, opacity: 0.85 },
    itemStyle: { color: opts.colors.get(c.mode) ?? '#999' },
    data: c.points.map((p) => [p.value_us, p.percentile]),
  }));
  return renderChartSvg(
    {
      legend: { data: modes, top: 4, left: 'center', itemWidth: 18, itemHeight: 8 },
      grid: { left: 8, right: 24, top: 34, bottom: 8 },
      xAxis: { type: 'log', name: 'latency (µs, log scale)', nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: (v: number) => formatNumber(v) }, minorSplitLine: { show: true, lineStyle: { color: '#f0f0f0' } }, minorTick: { show: true } },
      yAxis: { type: 'value', name: 'percentile', nameLocation: 'middle', nameGap: 34, min: 0, max: 100, interval: 10 },
      series,
    },
    { width: opts.width ?? 660, height: 340 },
  );
}
