import { CodeDecoder } from './capabilities.js';
import { decodeToImages } from './decode.js';
import { GridOptions, imageGrid } from './grid.js';
import { RgbaImage } from './image.js';
import { linspace, traversalCodes } from './latents.js';

/**
 * Latent traversal: row d shows the decoded mean as z_d runs over `steps` values from -range to +range, the
 * other dimensions at `base` (default 0, the prior mean). With a prior N(0, I), +-3 spans 99.7% of each
 * coordinate's mass.
 */
export function traversalImage(
  model: CodeDecoder,
  shape: readonly [number, number, number],
  opts: { steps: number; range: number; base?: ArrayLike<number> } & Omit<GridOptions, 'columns'>,
): RgbaImage {
  const values = linspace(-opts.range, opts.range, opts.steps);
  return imageGrid(decodeToImages(model, traversalCodes(model.latentDim, values, opts.base), shape), { ...opts, columns: opts.steps });
}
