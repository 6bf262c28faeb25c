/**
 * Everything the report shows for one model: each picture the model's parts allow, with a caption saying how
 * it was made, and for each one it cannot make, the reason.
 */
import { Dataset } from '../data/dataset.js';
import { inOrder, limit } from '../data/transforms.js';
import { metricText } from '../eval/describe.js';
import { Model } from '../models/types.js';
import { EpochRecord, TrainState } from '../train/state.js';
import { analogyImage } from './analogies.js';
import { canDecode, canDecodeGivenLabel, canEncode, canEncodeGivenLabel, CodeDecoder, CodeEncoder, decoderForLabel, hasPrior, hasStandardNormalPrior, LabelledDecoder, LabelledEncoder, priorText } from './capabilities.js';
import { confusionSvg } from './confusion.js';
import { trainingCurves } from './curves.js';
import { embeddingSvg } from './embedding.js';
import { RgbaImage } from './image.js';
import { interpolationImage } from './interpolation.js';
import { manifoldImage } from './manifold.js';
import { reconstructionGrid } from './reconstructions.js';
import { ClassificationFigures, ReportFigure, reportHtml } from './report.js';
import { labelSampleGrid, sampleGrid } from './samples.js';
import { traversalImage } from './traversal.js';

export interface RunReportInput {
  model: Model;
  shape: readonly [number, number, number];
  /** Test images for reconstructions, interpolation and the latent map; without them those are left out. */
  test?: Dataset;
  title: string;
  summary: [string, string][];
  config: unknown;
  history: readonly EpochRecord[];
  /** The figures of eval.json, if `vaekit eval` wrote one. */
  evaluation?: Record<string, unknown>;
  /** The figures of classify.json, if `vaekit classify` wrote one: its confusion matrix becomes a picture. */
  classification?: ClassificationFigures;
  /** PNG (or other) data: URI of an image: Node encodes with pngjs, a browser could use a canvas. */
  toDataUri: (img: RgbaImage) => string;
  /** Upscaling of the pictures. Default 2. */
  scale?: number;
  /** Seed of the prior samples. Default 0. */
  seed?: number;
  /** Test images in the latent map. Default 5000. */
  embedCount?: number;
}

/** The fixed choices of the report's pictures: those of the commands' defaults, smaller where a page needs it. */
export const REPORT = { samples: 64, samplesPerLabel: 10, label: 0, reconstructions: 16, grid: 20, steps: 10, analogies: 10, traverseSteps: 11, range: 3, embedCount: 5000 };

/**
 * "12 (98.31 nats)", or where the epoch was chosen by a classifier's validation error (no validation objective
 * beside it), "12 (val error 7.12%)".
 */
export function bestEpochText(state: Pick<TrainState, 'best' | 'history'>): string {
  const best = state.best;
  if (!best) return '-';
  const val = state.history.find((r) => r.epoch === best.epoch)?.val;
  if (val && val.total === undefined && val.error !== undefined) return `${best.epoch} (val error ${metricText('error', val.error)})`;
  return `${best.epoch} (${best.total.toFixed(2)} nats)`;
}

/** Builds the report's HTML. */
export function runReportHtml(input: RunReportInput): string {
  const { model, shape, test } = input;
  const scale = input.scale ?? 2;
  const figures: ReportFigure[] = [];
  const omitted: string[] = [];
  const image = (title: string, caption: string, img: RgbaImage) => figures.push({ title, caption, src: input.toDataUri(img), width: img.width, height: img.height });
  const decoder = canDecode(model) ? (model as Model & CodeDecoder) : null;
  const encoder = canEncode(model) ? (model as Model & CodeEncoder) : null;
  const k = decoder?.latentDim ?? encoder?.latentDim ?? 0;

  // A model that encodes and decodes only given a label (CVAE, M2, M1+M2) draws the label views instead.
  const labelDecoder = !decoder && canDecodeGivenLabel(model) ? model : null;
  const labelEncoder = !encoder && canEncodeGivenLabel(model) ? model : null;
  const needsLabel = (view: string) => `${view}: model kind ${model.kind} ${labelEncoder ? 'encodes and decodes' : 'decodes'} given a label, which this view does not take`;
  const kLabel = labelDecoder?.latentDim ?? 0;
  const seed = input.seed ?? 0;

  if (decoder && hasPrior(model)) {
    image('Samples', `${REPORT.samples} decoded draws z ~ ${priorText(model)} (seed ${seed}): the mean of p(x|z) of each. vaekit sample`, sampleGrid(decoder, shape, { n: REPORT.samples, seed, scale }));
  } else if (labelDecoder && hasStandardNormalPrior(model)) {
    const n = REPORT.samplesPerLabel;
    image('Samples by label', `Row y: the same ${n} draws z ~ N(0, I) (seed ${seed}) decoded with label y, the mean of p(x|y,z) of each: the style kept along a column. vaekit sample --label y --n ${n}`, labelSampleGrid(labelDecoder, shape, { perLabel: n, seed, scale }));
  } else omitted.push(`samples: model kind ${model.kind} has ${decoder || labelDecoder ? 'no prior over codes' : 'no decoder'}`);

  if (decoder && encoder && test) {
    const n = Math.min(REPORT.reconstructions, test.count);
    const both = model as Model & CodeEncoder & CodeDecoder;
    image('Reconstructions', `The first ${n} test images, each followed by its reconstruction from the mean code. vaekit reconstruct`, reconstructionGrid(both, test, inOrder(n), { scale }));
    if (test.count >= 2) image('Interpolation', `Test images 0 and 1 at the ends, ${REPORT.steps} decoded codes on the straight line between their latent means. vaekit interpolate`, interpolationImage(both, test, { from: 0, to: 1, steps: REPORT.steps, scale }));
  } else if (labelDecoder && labelEncoder) omitted.push(`${needsLabel('reconstructions and interpolation')} (the analogies show each test image's code decoded with every label)`);
  else omitted.push(`reconstructions and interpolation: ${!test ? 'no test images' : `model kind ${model.kind} has no ${encoder ? 'decoder' : 'encoder'}`}`);

  if (decoder && k >= 2) {
    const dims: [number, number] = [0, 1];
    const where = k === 2 ? 'the 2-D latent space' : `latent dimensions 0 (columns) and 1 (rows), the other ${k - 2} held at 0`;
    image('Manifold', `Decoded means over a ${REPORT.grid} x ${REPORT.grid} grid of Gaussian quantiles Phi^-1((i + 1/2) / ${REPORT.grid}) of ${where} (Kingma & Welling 2014, fig. 4). vaekit manifold`, manifoldImage(decoder, shape, { grid: REPORT.grid, dims, scale }).image);
  } else if (labelDecoder && kLabel >= 2) {
    const y = REPORT.label;
    const where = kLabel === 2 ? 'the 2-D latent space' : `latent dimensions 0 (columns) and 1 (rows), the other ${kLabel - 2} held at 0`;
    image(`Manifold, label ${y}`, `The means of p(x|y = ${y}, z) over a ${REPORT.grid} x ${REPORT.grid} grid of Gaussian quantiles Phi^-1((i + 1/2) / ${REPORT.grid}) of ${where}: the styles of one class (Kingma et al. 2014, fig. 1). vaekit manifold --label ${y}`, manifoldImage(decoderForLabel(labelDecoder, y), shape, { grid: REPORT.grid, dims: [0, 1], scale }).image);
  } else omitted.push(`manifold: ${decoder || labelDecoder ? `the latent space has ${decoder ? k : kLabel} dimension` : `model kind ${model.kind} has no decoder`}`);

  if (decoder) {
    image('Latent traversal', `Row d: latent dimension d swept over ${REPORT.traverseSteps} values from -${REPORT.range} to ${REPORT.range}, the others at 0. vaekit traverse`, traversalImage(decoder, shape, { steps: REPORT.traverseSteps, range: REPORT.range, scale }));
  } else if (labelDecoder) omitted.push(needsLabel('latent traversal'));

  if (labelDecoder && labelEncoder && test?.labels) {
    const n = Math.min(REPORT.analogies, test.count);
    image('Analogies', `Each row: a test image, then the mean of its q(z|x,y) under its true label decoded with every label 0..${labelDecoder.numClasses - 1}: the style kept, the class changed (Kingma et al. 2014, fig. 1). vaekit analogies`, analogyImage(model as Model & LabelledEncoder & LabelledDecoder, test, inOrder(n), { scale }));
  } else if (labelDecoder && labelEncoder) omitted.push(`analogies: ${test ? 'the test images have no labels' : 'no test images'}`);

  if (encoder && test && k >= 2) {
    const shown = limit(test, input.embedCount ?? REPORT.embedCount);
    figures.push({ title: 'Latent map', caption: `Latent means of the first ${shown.count} test images, coloured by label. vaekit embed`, svg: embeddingSvg(encoder, shown, inOrder(shown.count)) });
  } else if (labelEncoder) omitted.push(needsLabel('latent map'));
  else omitted.push(`latent map: ${!encoder ? `model kind ${model.kind} has no encoder` : !test ? 'no test images' : `the latent space has ${k} dimension`}`);

  const c = input.classification;
  if (c?.confusion) {
    const K = Math.round(Math.sqrt(c.confusion.length));
    const title = `${model.kind}: test error ${metricText('error', c.error)} on ${c.images} images`;
    figures.push({ title: 'Confusion matrix', caption: `The classifier q(y|x) on the test images: true label by row, predicted label by column (the figures of classify.json). vaekit classify`, svg: confusionSvg(c.confusion, K, title) });
  }

  return reportHtml({
    title: input.title,
    summary: input.summary,
    config: input.config,
    history: input.history,
    curves: trainingCurves(input.history),
    evaluation: input.evaluation,
    classification: input.classification,
    figures,
    omitted,
  });
}
