import { Dataset } from '../data/dataset.js';
import { CodeDecoder, CodeEncoder } from './capabilities.js';
import { datasetImages, decodeToImagesReads, encodeImagesReads } from './decode.js';
import { Reads, settleSync } from '../tensorReads.js';
import { GridOptions, imageGrid } from './grid.js';
import { RgbaImage } from './image.js';

/**
 * Test images beside their reconstructions decode(encode(x)), the code being the posterior mean: each row
 * holds `pairsPerRow` pairs (input, reconstruction), default ceil(sqrt(n)).
 */
export function reconstructionGrid(
  model: CodeEncoder & CodeDecoder,
  data: Dataset,
  indices: ArrayLike<number>,
  opts: { pairsPerRow?: number } & Omit<GridOptions, 'columns'> = {},
): RgbaImage {
  return settleSync(reconstructionGridReads(model, data, indices, opts));
}

/** reconstructionGrid as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* reconstructionGridReads(
  model: CodeEncoder & CodeDecoder,
  data: Dataset,
  indices: ArrayLike<number>,
  opts: { pairsPerRow?: number } & Omit<GridOptions, 'columns'> = {},
): Reads<RgbaImage> {
  const inputs = datasetImages(data, indices);
  const recons = yield* decodeToImagesReads(model, yield* encodeImagesReads(model, data, indices), data.shape);
  const cells = inputs.flatMap((x, i) => [x, recons[i]]);
  const pairs = opts.pairsPerRow ?? Math.ceil(Math.sqrt(inputs.length));
  return imageGrid(cells, { ...opts, columns: 2 * pairs });
}
