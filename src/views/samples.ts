import { Rng } from '../rng.js';
import { Reads, settleSync } from '../tensorReads.js';
import { CodeDecoder, decoderForLabel, LabelledDecoder } from './capabilities.js';
import { decodeToImages, decodeToImagesReads } from './decode.js';
import { GridOptions, imageGrid } from './grid.js';
import { RgbaImage } from './image.js';

/** Counter of the prior-sample stream, apart from the training streams in rng.ts's `Stream`. */
const PRIOR_SAMPLES = 101;

/** `n` draws z ~ N(0, I) [n, latentDim], reproducible from the seed. */
export function priorCodes(n: number, latentDim: number, seed: number): Float32Array {
  return new Rng(seed, PRIOR_SAMPLES).fillNormal(new Float32Array(n * latentDim));
}

/** `n` draws z ~ p(z) of the model's prior [n, latentDim] (N(0, I) unless it draws its own), reproducible from the seed. */
export function modelPriorCodes(model: Pick<CodeDecoder, 'latentDim' | 'samplePriorCodes'>, n: number, seed: number): Float32Array {
  return model.samplePriorCodes ? model.samplePriorCodes(n, new Rng(seed, PRIOR_SAMPLES)) : priorCodes(n, model.latentDim, seed);
}

/** Counter of the stream of draws x ~ p(x|z) for the prior samples. */
const PRIOR_DRAWS = 102;

/**
 * A grid of decoded prior samples, z ~ p(z) (N(0, I), or the model's own prior): the mean of p(x|z) (Bernoulli or Gaussian means), or with
 * `draw` a draw x ~ p(x|z) (ancestral sampling: what the model generates, noise and all).
 */
export function sampleGrid(model: CodeDecoder, shape: readonly [number, number, number], opts: { n: number; seed: number; draw?: boolean } & GridOptions): RgbaImage {
  return settleSync(sampleGridReads(model, shape, opts));
}

/** sampleGrid as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* sampleGridReads(model: CodeDecoder, shape: readonly [number, number, number], opts: { n: number; seed: number; draw?: boolean } & GridOptions): Reads<RgbaImage> {
  const draw = opts.draw ? new Rng(opts.seed, PRIOR_DRAWS) : undefined;
  return imageGrid(yield* decodeToImagesReads(model, modelPriorCodes(model, opts.n, opts.seed), shape, draw), opts);
}

/**
 * Class-conditional samples: row y holds the same `perLabel` draws z ~ N(0, I) decoded with label y, the mean of
 * p(x|y,z); so a column keeps its style across the labels, and row y is `vaekit sample --label y` with that seed.
 */
export function labelSampleGrid(model: LabelledDecoder, shape: readonly [number, number, number], opts: { perLabel: number; seed: number } & Omit<GridOptions, 'columns'>): RgbaImage {
  const z = priorCodes(opts.perLabel, model.latentDim, opts.seed);
  const cells = Array.from({ length: model.numClasses }, (_, y) => decodeToImages(decoderForLabel(model, y), z, shape)).flat();
  return imageGrid(cells, { ...opts, columns: opts.perLabel });
}
