import { renderChartSvg } from './charts.js';
import { classColor } from './palette.js';
import { Projection2d } from './projection.js';

export interface ScatterOptions {
  /** Chart title. */
  title: string;
  /** Width and height of the SVG in pixels. Default 640 x 560. */
  width?: number;
  height?: number;
}

/** The subtitle that says how the plane was obtained. */
export function projectionNote(p: Projection2d, latentDim: number): string {
  return p.method === 'pca'
    ? `${latentDim}-D latent means projected on their first two principal components (${(100 * p.explained).toFixed(1)}% of the variance)`
    : '2-D latent means';
}

/**
 * Scatter plot of points coloured by class label, one series (and legend entry) per label present; without
 * labels, one grey series. Each series is drawn as one SVG path (ECharts' large mode), which keeps a plot of
 * 10,000 points to a few hundred kilobytes.
 */
export function scatterSvg(p: Projection2d, labels: ArrayLike<number> | undefined, note: string, opts: ScatterOptions): string {
  const count = p.xy.length / 2;
  const groups = new Map<number, number[][]>();
  for (let i = 0; i < count; i++) {
    const label = labels ? labels[i] : -1;
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push([p.xy[2 * i], p.xy[2 * i + 1]]);
  }
  const series = [...groups.keys()].sort((a, b) => a - b).map((label) => ({
    type: 'scatter',
    name: label < 0 ? 'images' : String(label),
    data: groups.get(label),
    symbolSize: 3,
    large: true,
    largeThreshold: 0,
    progressive: 0,
    itemStyle: { color: label < 0 ? '#555555' : classColor(label), opacity: 0.7 },
  }));
  return renderChartSvg(
    {
      title: { text: opts.title, subtext: note, left: 'center', textStyle: { fontSize: 14 } },
      legend: { orient: 'vertical', right: 8, top: 'middle', itemWidth: 10, itemHeight: 10 },
      grid: { left: 56, right: 64, top: 64, bottom: 48 },
      xAxis: { type: 'value', name: p.axes[0], nameLocation: 'middle', nameGap: 26, scale: true, splitLine: { show: false } },
      yAxis: { type: 'value', name: p.axes[1], nameLocation: 'middle', nameGap: 36, scale: true, splitLine: { show: false } },
      series,
    },
    opts.width ?? 640,
    opts.height ?? 560,
  );
}
