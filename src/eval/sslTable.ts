/**
 * The table of the semi-supervised experiment (Kingma, Rezende, Mohamed & Welling 2014, Table 1): test error
 * per model and number of labels, mean and standard deviation over seeds, beside the paper's figures.
 */
import { isModelKind, MODEL_KINDS, modelKindSpec } from '../models/registry.js';

/** One finished seed of the experiment. */
export interface SslResult {
  model: string;
  labels: number;
  seed: number;
  /** Test error of q(y|x) at the best validation epoch, as a fraction. */
  testError: number;
  /** Validation error of that epoch. */
  valError: number;
  bestEpoch: number;
  epochs: number;
  /** Training and validation wall time over every session of the run, plus the test evaluation. */
  seconds: number;
}

/**
 * Kingma et al. 2014, Table 1: test error in percent, mean and standard deviation, by model (as the paper names
 * it: a kind's `title`) and labels.
 */
export const PAPER_TABLE_1: Record<string, Record<number, [number, number]>> = {
  M2: { 100: [11.97, 1.71], 600: [4.94, 0.13], 1000: [3.6, 0.56], 3000: [3.92, 0.63] },
  'M1+M2': { 100: [3.33, 0.14], 600: [2.59, 0.05], 1000: [2.4, 0.02], 3000: [2.18, 0.04] },
};

/** A kind's name in the paper's table: its spec's title, else the kind itself. */
function title(kind: string): string {
  return isModelKind(kind) ? (modelKindSpec(kind).title ?? kind) : kind;
}

/** One row of the table. */
export interface SslRow {
  model: string;
  labels: number;
  seeds: number[];
  /** Test error in percent: mean and sample standard deviation (0 for one seed). */
  meanError: number;
  stdError: number;
  paper: [number, number] | null;
  epochs: number[];
  /** Summed over seeds. */
  seconds: number;
}

function meanStd(values: number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return [mean, 0];
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return [mean, Math.sqrt(variance)];
}

/** Groups results by (model, labels), models in the registry's order (the paper's: M2, then M1+M2), labels ascending. */
export function sslRows(results: SslResult[]): SslRow[] {
  const groups = new Map<string, SslResult[]>();
  for (const r of results) {
    const key = `${r.model}\u0000${r.labels}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups.values()].map((rs): SslRow => {
    const sorted = [...rs].sort((a, b) => a.seed - b.seed);
    const [meanError, stdError] = meanStd(sorted.map((r) => 100 * r.testError));
    const { model, labels } = sorted[0];
    return { model, labels, seeds: sorted.map((r) => r.seed), meanError, stdError, paper: PAPER_TABLE_1[title(model)]?.[labels] ?? null, epochs: sorted.map((r) => r.epochs), seconds: sorted.reduce((a, r) => a + r.seconds, 0) };
  });
  const kinds = Object.keys(MODEL_KINDS);
  const order = (m: string) => (kinds.includes(m) ? kinds.indexOf(m) : kinds.length);
  return rows.sort((a, b) => order(a.model) - order(b.model) || a.model.localeCompare(b.model) || a.labels - b.labels);
}

function hours(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The table in Markdown: one row per (model, labels). */
export function sslMarkdown(rows: SslRow[]): string {
  const lines = [
    '| model | labels | test error % (mean ± std) | seeds | epochs | paper (Kingma et al. 2014, Table 1) | wall time |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const paper = r.paper ? `${r.paper[0].toFixed(2)} ± ${r.paper[1].toFixed(2)}` : '-';
    const epochs = [...new Set(r.epochs)].join(', ');
    // One seed has no spread to show.
    const error = r.seeds.length > 1 ? `${r.meanError.toFixed(2)} ± ${r.stdError.toFixed(2)}` : r.meanError.toFixed(2);
    lines.push(`| ${title(r.model)} | ${r.labels} | ${error} | ${r.seeds.length} | ${epochs} | ${paper} | ${hours(r.seconds)} |`);
  }
  return lines.join('\n') + '\n';
}
