import { Dataset } from '../data/dataset.js';
import { CodeDecoder, CodeEncoder } from './capabilities.js';
import { datasetImages, decodeToImages, encodeImages } from './decode.js';
import { GridOptions, imageGrid } from './grid.js';
import { RgbaImage } from './image.js';
import { interpolationCodes } from './latents.js';

/**
 * One row: test image `from`, then `steps` decoded codes on the path between the two images' posterior means
 * (linear, or spherical with `spherical`), then test image `to`.
 */
export function interpolationImage(
  model: CodeEncoder & CodeDecoder,
  data: Dataset,
  opts: { from: number; to: number; steps: number; spherical?: boolean } & Omit<GridOptions, 'columns'>,
): RgbaImage {
  const k = model.latentDim;
  const ends = encodeImages(model, data, [opts.from, opts.to]);
  const z = interpolationCodes(ends.subarray(0, k), ends.subarray(k), opts.steps, opts.spherical);
  const [first, last] = datasetImages(data, [opts.from, opts.to]);
  const path = decodeToImages(model, z, data.shape);
  return imageGrid([first, ...path, last], { ...opts, columns: opts.steps + 2 });
}
