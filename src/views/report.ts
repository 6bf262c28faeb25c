/**
 * The run report: one self-contained HTML file. Pictures come in as data: URIs and charts as inline SVG, there
 * is no script and no external reference, so it opens offline, from any folder, and can be mailed as it is.
 */
import { EpochRecord } from '../train/state.js';
import { CurveChart } from './curves.js';

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

/** Nested objects as rows "a.b: value", numbers with up to 4 decimals. */
function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(4)) : JSON.stringify(value);
  return [[prefix, text]];
}

function table(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function historyTable(history: readonly EpochRecord[]): string {
  const terms = [...new Set(history.flatMap((r) => Object.keys(r.train)))];
  const hasVal = history.some((r) => r.val);
  const head = ['epoch', ...terms.map((t) => `train ${t}`), ...(hasVal ? terms.map((t) => `val ${t}`) : []), 'seconds'];
  const body = history.map((r) => [String(r.epoch), ...terms.map((t) => r.train[t]?.toFixed(2) ?? ''), ...(hasVal ? terms.map((t) => r.val?.[t]?.toFixed(2) ?? '') : []), r.seconds.toFixed(1)]);
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
    input.evaluation ? table(flatten(input.evaluation)) : '<p>Not evaluated yet: <code>vaekit eval</code> writes eval.json beside the checkpoint.</p>',
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
