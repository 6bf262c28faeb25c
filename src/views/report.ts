/**
 * The run report: one self-contained HTML file. Pictures come in as data: URIs and charts as inline SVG, there
 * is no script and no external reference, so it opens offline, from any folder, and can be mailed as it is.
 */
import { evaluationLines, metricText } from '../eval/describe.js';
import { Evaluation } from '../eval/figures.js';
import { EpochRecord } from '../train/state.js';
import { CurveChart } from './curves.js';

/** What `vaekit classify` wrote to classify.json. */
export interface ClassificationFigures {
  /** Fraction of the test images q(y|x) gets wrong. */
  error: number;
  images: number;
  /** counts[t * K + p]: images of true label t predicted as p. */
  confusion?: number[];
}

/** One picture of the report: a raster image as a data: URI, or an SVG document. */
export type ReportFigure = { title: string; caption: string } & ({ src: string; width: number; height: number } | { svg: string });

export interface ReportInput {
  title: string;
  /** Lines of the summary, e.g. ["checkpoint runs/z2/best.ckpt", "epoch 10"]. */
  summary: [string, string][];
  config: unknown;
  history: readonly EpochRecord[];
  curves: CurveChart[];
  /** The figures of eval.json, if the run was evaluated. */
  evaluation?: Record<string, unknown>;
  /** The figures of classify.json, if its classifier was scored. */
  classification?: ClassificationFigures;
  figures: ReportFigure[];
  /** Views left out and why ("samples: model kind ae has no prior"). */
  omitted: string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * An SVG document as an element to inline in HTML: the XML prolog and namespace declarations go (the HTML
 * parser puts <svg> in the SVG namespace itself), so the page names no URL at all.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(/<\?xml[^>]*\?>\s*/, '').replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
}

/** Which checkpoint eval.json scored, on which images. */
function scoredText(e: Record<string, unknown>): string {
  const parts = [typeof e.checkpoint === 'string' ? e.checkpoint : 'a checkpoint'];
  if (typeof e.epoch === 'number') parts[0] += ` (epoch ${e.epoch})`;
  if (typeof e.images === 'number') parts.push(`${e.images} ${typeof e.split === 'string' ? `${e.split} ` : ''}images`);
  if (typeof e.seed === 'number') parts.push(`seed ${e.seed}`);
  return parts.join(', ');
}

/** The figures of eval.json and classify.json, each beside its name and in its unit. */
function evaluationSection(input: ReportInput): string {
  const e = input.evaluation;
  const c = input.classification;
  if (!e && !c) return '<p>Not evaluated yet: <code>vaekit eval</code> writes eval.json beside the checkpoint (and, for a model with a classifier, <code>vaekit classify</code> classify.json).</p>';
  const rows: [string, string][] = [];
  if (e) {
    const lines = evaluationLines(e as Partial<Evaluation>);
    rows.push(['scored by vaekit eval', scoredText(e)], ...lines.map((l): [string, string] => [l.label, l.value]));
    if (lines.length === 0) rows.push(['figures', 'none in eval.json: run vaekit eval again']);
  }
  if (c) rows.push(['test error of q(y|x), vaekit classify', `${metricText('error', c.error)} (${Math.round(c.error * c.images)} of ${c.images} images)`]);
  return table(rows);
}

function table(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

/** One column per term of the training pass, then one per term of validation (its own: a classifier's error). */
function historyTable(history: readonly EpochRecord[]): string {
  const trainTerms = [...new Set(history.flatMap((r) => Object.keys(r.train)))];
  const valTerms = [...new Set(history.flatMap((r) => Object.keys(r.val ?? {})))];
  const cell = (name: string, v: number | undefined) => (v === undefined ? '' : metricText(name, v));
  const head = ['epoch', ...trainTerms.map((t) => `train ${t}`), ...valTerms.map((t) => `val ${t}`), 'seconds'];
  const body = history.map((r) => [String(r.epoch), ...trainTerms.map((t) => cell(t, r.train[t])), ...valTerms.map((t) => cell(t, r.val?.[t])), r.seconds.toFixed(1)]);
  return `<table class="history"><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${body.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}

function figureHtml(f: ReportFigure): string {
  const body = 'svg' in f ? `<div class="chart">${inlineSvg(f.svg)}</div>` : `<img src="${f.src}" width="${f.width}" height="${f.height}" alt="${escapeHtml(f.title)}">`;
  return `<figure><h3>${escapeHtml(f.title)}</h3>${body}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`;
}

const STYLE = `
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; } h3 { font-size: 1em; margin: 0 0 0.4em; }
table { border-collapse: collapse; font-size: 0.9em; } th, td { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
table.history td { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; vertical-align: top; margin: 0 1.5em 1.5em 0; }
figcaption { font-size: 0.85em; color: #555; max-width: 640px; margin-top: 0.4em; }
img { image-rendering: pixelated; display: block; }
.curves { display: flex; flex-wrap: wrap; gap: 1em; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
`;

/** The report as one HTML document. */
export function reportHtml(input: ReportInput): string {
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<h1>${escapeHtml(input.title)}</h1>`,
    table(input.summary),
    '<h2>Evaluation</h2>',
    evaluationSection(input),
    '<h2>Training</h2>',
    input.curves.length ? `<div class="curves">${input.curves.map((c) => `<div class="chart">${inlineSvg(c.svg)}</div>`).join('')}</div>` : '<p>No finished epoch.</p>',
    input.history.length ? historyTable(input.history) : '',
    '<h2>Pictures</h2>',
    input.figures.map(figureHtml).join('\n'),
    input.omitted.length ? `<ul>${input.omitted.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>` : '',
    '<h2>Configuration</h2>',
    `<pre>${escapeHtml(JSON.stringify(input.config, null, 2))}</pre>`,
    '</body>',
    '</html>',
  ];
  return parts.join('\n') + '\n';
}
