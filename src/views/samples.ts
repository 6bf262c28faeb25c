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

/** Counter of the stream of draws x ~ p(x|z) for the prior samples. */
const PRIOR_DRAWS = 102;

/**
 * A grid of decoded prior samples, z ~ N(0, I): the mean of p(x|z) (Bernoulli or Gaussian means), or with
 * `draw` a draw x ~ p(x|z) (ancestral sampling: what the model generates, noise and all).
 */
export function sampleGrid(model: CodeDecoder, shape: readonly [number, number, number], opts: { n: number; seed: number; draw?: boolean } & GridOptions): RgbaImage {
  const draw = opts.draw ? new Rng(opts.seed, PRIOR_DRAWS) : undefined;
  return imageGrid(decodeToImages(model, priorCodes(opts.n, model.latentDim, opts.seed), shape, draw), opts);
}
