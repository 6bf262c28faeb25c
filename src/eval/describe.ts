/**
 * The figures of an evaluation (src/eval/figures.ts, as eval.json holds them) in words, with their units:
 * what `vaekit eval` prints and the report shows. Reads eval.json files of any age: a figure absent is left out.
 */
import { BitsPerDimFigures, Bound, Evaluation } from './figures.js';

/** One figure: `line` is how the terminal prints it; the report shows `label` beside `value`. */
export interface FigureLine {
  label: string;
  value: string;
  line: string;
}

function nats(v: number): string {
  return v.toFixed(2);
}

/** A named figure of a run in its unit: a classification `error` (a fraction) in percent, anything else in nats. */
export function metricText(name: string, v: number): string {
  return name === 'error' ? `${(100 * v).toFixed(2)}%` : nats(v);
}

/** "recon 80.12, kl 25.01" from named terms, `total` left out. */
export function termsText(terms: Record<string, number>): string {
  return Object.entries(terms)
    .filter(([name]) => name !== 'total')
    .map(([name, v]) => `${name} ${metricText(name, v)}`)
    .join(', ');
}

function fig(label: string, value: string, joint = ': '): FigureLine {
  return { label, value, line: `${label}${joint}${value}` };
}

function bitsLine(label: string, b: BitsPerDimFigures, estimate: string, k: number | undefined): FigureLine {
  const how = b.dequantized ? 'continuous density: + log 255 per dim for the bin width, Theis et al. 2016' : `${b.decoder ?? 'the decoder'}: a probability over the 256 levels, no correction`;
  const fromLl = b.negLogLikelihood === undefined ? '' : `${b.negLogLikelihood.toFixed(3)} from ${estimate} (k=${k}), `;
  return fig(label, `${fromLl}${b.negElbo.toFixed(3)} from the -ELBO (${how})`);
}

function boundLine(label: string, b: Bound, what: string, on: string): FigureLine {
  const terms = termsText(b.terms);
  return fig(label, `${nats(b.total)} nats${terms ? ` (${terms})` : ''}: ${what}${on}`, ' ');
}

/** Every figure the evaluation holds, in the order eval computes them. */
export function evaluationLines(e: Partial<Evaluation>): FigureLine[] {
  const out: FigureLine[] = [];
  if (e.reconstruction) {
    const r = e.reconstruction;
    out.push(fig('test reconstruction error per image', `squared error ${nats(r.squaredError)}, cross-entropy ${nats(r.crossEntropy)} nats${r.givenLabel ? ' (each image encoded and decoded given its label)' : ''}`));
  }
  if (e.explainedVariance !== undefined) out.push(fig('explained variance of the training set', `${(100 * e.explainedVariance).toFixed(1)}%`));
  if (e.priorMatch) {
    const p = e.priorMatch;
    const before = p.untrainedMmd2 === undefined ? '' : `; untrained encoder, same seed: ${p.untrainedMmd2.toFixed(4)}`;
    out.push(fig('codes vs prior', `MMD^2 ${p.mmd2.toFixed(4)} between ${p.count} test codes and ${p.count} prior draws (Gaussian kernel, width ${p.sigma.toFixed(2)}; Gretton et al. 2012)${before}`));
  }
  const onData = (b?: BitsPerDimFigures) => (b?.dequantized ? ' on dequantized images x = b/255 + U(-1/510, 1/510)' : '');
  if (e.negElbo !== undefined) {
    const terms = e.terms ? termsText(e.terms) : '';
    out.push(fig('test -ELBO', `${nats(e.negElbo)} nats${terms ? ` (${terms})` : ''}${onData(e.bitsPerDim)}`, ' '));
  }
  if (e.negLogLikelihood !== undefined) out.push(fig('test -log p(x)', `~= ${nats(e.negLogLikelihood)} nats (importance sampling, k=${e.k})${onData(e.bitsPerDim)}`, ' '));
  if (e.bitsPerDim) out.push(bitsLine('test bits/dim', e.bitsPerDim, '-log p(x)', e.k));
  if (e.givenLabel) {
    const g = e.givenLabel;
    const terms = termsText(g.terms);
    out.push(fig('test -ELBO given the label', `${nats(g.negElbo)} nats${terms ? ` (${terms})` : ''}: a bound on -log p(x|y), each image with its label${onData(g.bitsPerDim)}`, ' '));
    if (g.negLogLikelihood !== undefined) out.push(fig('test -log p(x|y)', `~= ${nats(g.negLogLikelihood)} nats (importance sampling with q(z|x,y) as proposal, k=${g.k})${onData(g.bitsPerDim)}`, ' '));
    if (g.bitsPerDim) out.push(bitsLine('test bits/dim given the label', g.bitsPerDim, '-log p(x|y)', g.k));
  }
  if (e.bounds) {
    const b = e.bounds;
    const on = b.of === 'features' ? '; x: the features the first stage makes of each image (a density over codes, not pixels)' : b.dequantized ? ' on dequantized images' : '';
    if (b.labelled) out.push(boundLine('test -L(x,y)', b.labelled, 'the bound on -log p(x,y), each image with its label (Kingma et al. 2014, eq. 6)', on));
    if (b.unlabelled) out.push(boundLine('test -U(x)', b.unlabelled, 'the bound on -log p(x), the label summed out under q(y|x) (Kingma et al. 2014, eq. 7)', on));
  }
  if (e.classifierError !== undefined) {
    const of = e.images === undefined ? '' : ` (${Math.round(e.classifierError * e.images)} of ${e.images} images)`;
    out.push(fig('test error of q(y|x)', `${metricText('error', e.classifierError)}${of}`));
  }
  return out;
}
