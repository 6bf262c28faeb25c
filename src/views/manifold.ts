import { CodeDecoder } from './capabilities.js';
import { decodeToImages } from './decode.js';
import { GridOptions, imageGrid } from './grid.js';
import { RgbaImage } from './image.js';
import { manifoldGrid, ManifoldGrid } from './latents.js';

/**
 * The learned manifold (Kingma & Welling 2014, fig. 4): decoded means over a grid x grid lattice of latent
 * dimensions `dims` at Gaussian quantiles, the others at 0. Column c varies dims[0], row r dims[1] (top is
 * largest).
 */
export function manifoldImage(
  model: CodeDecoder,
  shape: readonly [number, number, number],
  opts: { grid: number; dims: readonly [number, number] } & Omit<GridOptions, 'columns'>,
): { image: RgbaImage; grid: ManifoldGrid } {
  const grid = manifoldGrid(opts.grid, model.latentDim, opts.dims);
  return { image: imageGrid(decodeToImages(model, grid.z, shape), { ...opts, columns: opts.grid }), grid };
}
