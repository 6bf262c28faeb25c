import { Dataset } from '../data/dataset.js';
import { CodeEncoder } from './capabilities.js';
import { encodeImages } from './decode.js';
import { projectTo2d } from './projection.js';
import { projectionNote, scatterSvg, ScatterOptions } from './scatter.js';

/**
 * The latent map: the posterior means of `indices` of a data set in the plane, coloured by label (a 2-D code as
 * it is, a larger one on its first two principal components, as the subtitle says).
 */
export function embeddingSvg(model: CodeEncoder, data: Dataset, indices: ArrayLike<number>, opts: Partial<ScatterOptions> = {}): string {
  if (model.latentDim < 2) throw new Error(`a ${model.latentDim}-D latent space cannot be drawn as a plane`);
  const z = encodeImages(model, data, indices);
  const p = projectTo2d(z, model.latentDim);
  const labels = data.labels ? Array.from(indices, (i) => data.labels![i]) : undefined;
  const note = projectionNote(p, model.latentDim) + (labels ? '' : ' (the data set has no labels)');
  return scatterSvg(p, labels, note, { title: opts.title ?? `Latent map: ${data.name}`, ...opts });
}
