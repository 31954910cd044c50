import type { CustomSeriesRenderItem, CustomSeriesRenderItemReturn } from 'echarts';
import type { BarSeriesOption, CustomSeriesOption } from 'echarts/charts';
import { CHART_FONT, renderChartSvg } from './echarts-svg.ts';

/** One bar: the median of a group's repetitions and its 95 % interval (null with one repetition). */
export interface IntervalBar {
  /** Category on the axis, unique within the chart. */
  label: string;
  /** Legend entry and color key (the mode). */
  series: string;
  value: number | null;
  interval: { low: number; high: number } | null;
}

export interface IntervalBarChartOptions {
  axisName: string;
  colors: ReadonlyMap<string, string>;
  format: (x: number) => string;
  /** @default 440 */
  width?: number;
}

type GroupChildren = NonNullable<Extract<NonNullable<CustomSeriesRenderItemReturn>, { type: 'group' }>['children']>;

const ROW_PX = 28;
const INK = '#222';

// Whisker of the interval (when there is one) and the value's label just past the bar or whisker.
function intervalRenderer(drawn: readonly IntervalBar[], format: (x: number) => string): CustomSeriesRenderItem {
  return (params, api) => {
    const bar = drawn[params.dataIndex]!;
    const row = api.value(2) as number;
    const [, y] = api.coord([0, row]) as [number, number];
    const cap = ((api.size?.([0, 1]) as number[] | undefined)?.[1] ?? ROW_PX) * 0.28;
    const xOf = (v: number): number => (api.coord([v, row]) as [number, number])[0];
    const children: GroupChildren = [];
    const value = bar.value!;
    const hi = bar.interval ? Math.max(bar.interval.high, value) : value;
    if (bar.interval) {
      const [x1, x2] = [xOf(bar.interval.low), xOf(bar.interval.high)];
      const stroke = { stroke: INK, lineWidth: 1.4 };
      children.push(
        { type: 'line', shape: { x1, y1: y, x2, y2: y }, style: stroke },
        { type: 'line', shape: { x1, y1: y - cap, x2: x1, y2: y + cap }, style: stroke },
        { type: 'line', shape: { x1: x2, y1: y - cap, x2, y2: y + cap }, style: stroke },
      );
    }
    // Right of the bar, whisker and zero line alike, so a negative bar's label never runs into the axis labels.
    children.push({
      type: 'text',
      style: { text: format(value) + (bar.interval ? '' : ' (n=1)'), x: xOf(Math.max(hi, 0)) + 5, y, align: 'left', verticalAlign: 'middle', fill: INK, fontSize: 11, fontFamily: CHART_FONT },
    });
    return { type: 'group', children };
  };
}

// Horizontal bars (median) with error bars (95 % interval), one row per group, colored by mode, as SVG.
export function renderIntervalBarChart(bars: readonly IntervalBar[], opts: IntervalBarChartOptions): string {
  const labels = bars.map((b) => b.label);
  const seriesNames = [...new Set(bars.map((b) => b.series))];
  const drawn = bars.filter((b) => b.value !== null && Number.isFinite(b.value));
  // One stacked bar series per mode: each row holds one bar, and the legend lists the modes.
  const barSeries: BarSeriesOption[] = seriesNames.map((name) => ({
    type: 'bar',
    name,
    stack: 'rows',
    barMaxWidth: 20,
    itemStyle: { color: opts.colors.get(name) ?? '#999' },
    data: bars.map((b) => (b.series === name && b.value !== null ? b.value : '-')),
  }));
  const whiskers: CustomSeriesOption = {
    type: 'custom',
    name: 'interval',
    silent: true,
    z: 3,
    encode: { x: [0, 1], y: 2 },
    data: drawn.map((b) => [b.interval?.low ?? b.value!, b.interval?.high ?? b.value!, labels.indexOf(b.label)]),
    renderItem: intervalRenderer(drawn, opts.format),
  };
  return renderChartSvg(
    {
      legend: { data: seriesNames, top: 4, left: 'center', itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 76, top: 34, bottom: 6 },
      yAxis: { type: 'category', data: labels, inverse: true, axisTick: { show: false }, axisLabel: { width: 200, overflow: 'truncate', color: INK } },
      xAxis: { type: 'value', name: opts.axisName, nameLocation: 'middle', nameGap: 24, axisLabel: { formatter: (v: number) => opts.format(v), hideOverlap: true } },
      series: [...barSeries, whiskers],
    },
    { width: opts.width ?? 440, height: 96 + ROW_PX * Math.max(bars.length, 1) },
  );
}
