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

/**
 * Training and validation curves: for each loss term (total, recon, kl, ...), its per-epoch mean over the
 * training pass and over the validation set, in nats per example.
 */
export function trainingCurves(history: readonly EpochRecord[], opts: { width?: number; height?: number } = {}): CurveChart[] {
  return historyTerms(history).map((term) => {
    const train = history.filter((r) => r.train[term] !== undefined).map((r) => [r.epoch, r.train[term]]);
    const val = history.filter((r) => r.val?.[term] !== undefined).map((r) => [r.epoch, r.val![term]]);
    const series = [
      { type: 'line', name: 'train', data: train, symbolSize: 5, itemStyle: { color: '#4e79a7' } },
      ...(val.length ? [{ type: 'line', name: 'validation', data: val, symbolSize: 5, itemStyle: { color: '#e15759' } }] : []),
    ];
    const svg = renderChartSvg(
      {
        title: { text: term === 'total' ? 'total (the training objective)' : term, left: 'center', textStyle: { fontSize: 13 } },
        legend: { bottom: 0 },
        grid: { left: 64, right: 16, top: 40, bottom: 64 },
        xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 24, minInterval: 1, min: 'dataMin', max: 'dataMax' },
        yAxis: { type: 'value', name: 'nats per example', nameLocation: 'middle', nameGap: 48, scale: true },
        series,
      },
      opts.width ?? 340,
      opts.height ?? 260,
    );
    return { term, svg };
  });
}
