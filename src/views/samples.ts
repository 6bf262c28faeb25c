import { Rng } from '../rng.js';
import { CodeDecoder } from './capabilities.js';
import { decodeToImages } from './decode.js';
import { GridOptions, imageGrid } from './grid.js';
import { RgbaImage } from './image.js';

/** Counter of the prior-sample stream, apart from the training streams in rng.ts's `Stream`. */
const PRIOR_SAMPLES = 101;

/** `n` draws z ~ N(0, I) [n, latentDim], reproducible from the seed. */
export function priorCodes(n: number, latentDim: number, seed: number): Float32Array {
  return new Rng(seed, PRIOR_SAMPLES).fillNormal(new Float32Array(n * latentDim));
}

/** A grid of decoded prior samples: the mean of p(x|z) for z ~ N(0, I) (Bernoulli means, or Gaussian means). */
export function sampleGrid(model: CodeDecoder, shape: readonly [number, number, number], opts: { n: number; seed: number } & GridOptions): RgbaImage {
  return imageGrid(decodeToImages(model, priorCodes(opts.n, model.latentDim, opts.seed), shape), opts);
}
