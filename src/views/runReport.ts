/**
 * Everything the report shows for one model: each picture the model's parts allow, with a caption saying how
 * it was made, and for each one it cannot make, the reason.
 */
import { Dataset } from '../data/dataset.js';
import { inOrder, limit } from '../data/transforms.js';
import { Model } from '../models/types.js';
import { EpochRecord } from '../train/state.js';
import { canDecode, canEncode, CodeDecoder, CodeEncoder, hasStandardNormalPrior } from './capabilities.js';
import { trainingCurves } from './curves.js';
import { embeddingSvg } from './embedding.js';
import { RgbaImage } from './image.js';
import { interpolationImage } from './interpolation.js';
import { manifoldImage } from './manifold.js';
import { reconstructionGrid } from './reconstructions.js';
import { ReportFigure, reportHtml } from './report.js';
import { sampleGrid } from './samples.js';
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
  evaluation?: Record<string, unknown>;
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
export const REPORT = { samples: 64, reconstructions: 16, grid: 20, steps: 10, traverseSteps: 11, range: 3, embedCount: 5000 };

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

  if (decoder && hasStandardNormalPrior(model)) {
    image('Samples', `${REPORT.samples} decoded draws z ~ N(0, I) (seed ${input.seed ?? 0}): the mean of p(x|z) of each. vaekit sample`, sampleGrid(decoder, shape, { n: REPORT.samples, seed: input.seed ?? 0, scale }));
  } else omitted.push(`samples: model kind ${model.kind} has ${decoder ? 'no prior over codes' : 'no decoder'}`);

  if (decoder && encoder && test) {
    const n = Math.min(REPORT.reconstructions, test.count);
    const both = model as Model & CodeEncoder & CodeDecoder;
    image('Reconstructions', `The first ${n} test images, each followed by its reconstruction from the mean code. vaekit reconstruct`, reconstructionGrid(both, test, inOrder(n), { scale }));
    if (test.count >= 2) image('Interpolation', `Test images 0 and 1 at the ends, ${REPORT.steps} decoded codes on the straight line between their latent means. vaekit interpolate`, interpolationImage(both, test, { from: 0, to: 1, steps: REPORT.steps, scale }));
  } else omitted.push(`reconstructions and interpolation: ${!test ? 'no test images' : `model kind ${model.kind} has no ${encoder ? 'decoder' : 'encoder'}`}`);

  if (decoder && k >= 2) {
    const dims: [number, number] = [0, 1];
    const where = k === 2 ? 'the 2-D latent space' : `latent dimensions 0 (columns) and 1 (rows), the other ${k - 2} held at 0`;
    image('Manifold', `Decoded means over a ${REPORT.grid} x ${REPORT.grid} grid of Gaussian quantiles Phi^-1((i + 1/2) / ${REPORT.grid}) of ${where} (Kingma & Welling 2014, fig. 4). vaekit manifold`, manifoldImage(decoder, shape, { grid: REPORT.grid, dims, scale }).image);
  } else omitted.push(`manifold: ${decoder ? `the latent space has ${k} dimension` : `model kind ${model.kind} has no decoder`}`);

  if (decoder) {
    image('Latent traversal', `Row d: latent dimension d swept over ${REPORT.traverseSteps} values from -${REPORT.range} to ${REPORT.range}, the others at 0. vaekit traverse`, traversalImage(decoder, shape, { steps: REPORT.traverseSteps, range: REPORT.range, scale }));
  }

  if (encoder && test && k >= 2) {
    const shown = limit(test, input.embedCount ?? REPORT.embedCount);
    figures.push({ title: 'Latent map', caption: `Latent means of the first ${shown.count} test images, coloured by label. vaekit embed`, svg: embeddingSvg(encoder, shown, inOrder(shown.count)) });
  } else omitted.push(`latent map: ${!encoder ? `model kind ${model.kind} has no encoder` : !test ? 'no test images' : `the latent space has ${k} dimension`}`);

  return reportHtml({
    title: input.title,
    summary: input.summary,
    config: input.config,
    history: input.history,
    curves: trainingCurves(input.history),
    evaluation: input.evaluation,
    figures,
    omitted,
  });
}
