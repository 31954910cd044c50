import { init, use, type ComposeOption } from 'echarts/core';
import type { BarSeriesOption, CustomSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
// Only the parts the report uses, each registering itself (ECharts' exported `lib/chart/*` and
// `lib/component/*` entries): `echarts/charts` and `echarts/components` load every chart and
// component there is, ~0.5 s more before a suite's report can be written.
import 'echarts/lib/chart/bar';
import 'echarts/lib/chart/line';
import 'echarts/lib/chart/custom';
import 'echarts/lib/component/grid';
import 'echarts/lib/component/legend';

use([SVGRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | CustomSeriesOption | GridComponentOption | LegendComponentOption>;

export interface ChartSize {
  width: number;
  height: number;
}

// Arial metrics are what ECharts estimates text widths with when it renders without a browser. No quotes:
// ECharts writes the font into a double-quoted style attribute without escaping it.
export const CHART_FONT = 'Arial, Helvetica, Liberation Sans, sans-serif';

// Render one chart to an SVG string in Node with ECharts' server-side rendering: no DOM, no script in the page.
export function renderChartSvg(option: ChartOption, size: ChartSize): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    // Also stops zrender's frame loop, which would otherwise keep the process alive.
    chart.dispose();
  }
}
