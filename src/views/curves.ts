import { EpochRecord } from '../train/state.js';
import { renderChartSvg } from './charts.js';

/** One chart per loss term. */
export interface CurveChart {
  term: string;
  svg: string;
}

/** The loss terms a history holds, `total` first, in the order they first appear. */
export function historyTerms(history: readonly EpochRecord[]): string[] {
  const terms = new Set<string>(['total']);
  for (const r of history) for (const k of [...Object.keys(r.train), ...Object.keys(r.val ?? {})]) terms.add(k);
  return history.length ? [...terms] : [];
}

/** What a term's values measure, for the chart's y axis. */
function termUnit(term: string): string {
  return term === 'error' ? 'fraction misclassified' : 'nats per example';
}

/**
 * Training and validation curves: for each loss term (total, recon, kl, ...), its per-epoch mean over the
 * training pass and over the validation set, in nats per example (a classifier's `error` as a fraction); and,
 * where the learning rate changed during the run (--lr-steps), the rate of each epoch.
 */
export function trainingCurves(history: readonly EpochRecord[], opts: { width?: number; height?: number } = {}): CurveChart[] {
  const size = { width: opts.width ?? 340, height: opts.height ?? 260 };
  const charts = historyTerms(history).map((term) => {
    const train = history.filter((r) => r.train[term] !== undefined).map((r) => [r.epoch, r.train[term]]);
    const val = history.filter((r) => r.val?.[term] !== undefined).map((r) => [r.epoch, r.val![term]]);
    const series = [
      { type: 'line', name: 'train', data: train, symbolSize: 5, itemStyle: { color: '#4e79a7' } },
      { type: 'line', name: 'validation', data: val, symbolSize: 5, itemStyle: { color: '#e15759' } },
    ].filter((line) => line.data.length > 0);
    const title = term === 'total' ? 'total (the training objective)' : term;
    return { term, svg: lineChart(title, termUnit(term), series, false, size) };
  });
  const rates = history.filter((r) => r.lr !== undefined).map((r) => [r.epoch, r.lr!]);
  if (new Set(rates.map(([, lr]) => lr)).size > 1) {
    const series = [{ type: 'line', name: 'learning rate', data: rates, symbolSize: 5, step: 'end', itemStyle: { color: '#59a14f' } }];
    charts.push({ term: 'lr', svg: lineChart('learning rate (Adam)', 'step size', series, true, size) });
  }
  return charts;
}

function lineChart(title: string, unit: string, series: object[], logScale: boolean, size: { width: number; height: number }): string {
  return renderChartSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      legend: { bottom: 0 },
      grid: { left: 64, right: 16, top: 40, bottom: 64 },
      xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 24, minInterval: 1, min: 'dataMin', max: 'dataMax' },
      yAxis: logScale ? { type: 'log', name: unit, nameLocation: 'middle', nameGap: 48, axisLabel: { formatter: (v: number) => v.toExponential(0) } } : { type: 'value', name: unit, nameLocation: 'middle', nameGap: 48, scale: true },
      series,
    },
    size.width,
    size.height,
  );
}
