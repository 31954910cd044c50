import { init, use, type ComposeOption } from 'echarts/core';
import { BarChart, CustomChart, LineChart, type BarSeriesOption, type CustomSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, type GridComponentOption, type LegendComponentOption } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

// Only the parts the report uses, so rendering loads a fraction of ECharts.
use([BarChart, LineChart, CustomChart, GridComponent, LegendComponent, SVGRenderer]);

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
