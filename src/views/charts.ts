/**
 * Charts as SVG strings through Apache ECharts' server-side rendering (`ssr: true` with the SVG renderer),
 * which needs no DOM and no canvas, so the same code runs in Node and in a browser. Only the parts used are
 * registered, which keeps start-up short.
 */
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, ScatterChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** Renders one chart to a standalone SVG document string. */
export function renderChartSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
