import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { CodeModel, Model } from '../models/types.js';
import { PriorSample } from '../prob/priors.js';
import { Rng, Stream } from '../rng.js';
import { mmdSquared, medianDistance } from './mmd.js';

/** A model whose codes are pushed towards a prior it can sample (the adversarial autoencoder). */
export interface PriorMatchedModel extends CodeModel {
  samplePrior(n: number, rng: Rng): PriorSample;
}

export function isPriorMatchedModel(m: Model): m is PriorMatchedModel {
  return typeof (m as Partial<PriorMatchedModel>).samplePrior === 'function' && typeof (m as Partial<PriorMatchedModel>).encodeMean === 'function';
}

export interface PriorMatchOptions {
  /** Images (and prior draws) compared; the first ones of the data set. Default 2000. */
  count?: number;
  /** Seed of the prior draws, from (seed, Stream.priorSample). Default 0. */
  seed?: number;
}

/** How far the codes of a data set are from the prior. */
export interface PriorMatch {
  /** Unbiased MMD^2 between codes and prior draws (lower is better; ~0 when they match). */
  mmd2: number;
  /** Width of the Gaussian kernel: the median distance between the prior draws. */
  sigma: number;
  count: number;
}

/** The deterministic codes of the first `count` images [count, latentDim]. */
function codesOf(model: CodeModel, data: Dataset, count: number): Float32Array {
  const dim = imageSize(data);
  const order = inOrder(count);
  const z = new Float32Array(count * model.latentDim);
  for (let start = 0; start < count; start += 500) {
    const end = Math.min(count, start + 500);
    const x = gatherBatch(data, order, start, end);
    z.set(tf.tidy(() => model.encodeMean(tf.tensor2d(x, [end - start, dim])).dataSync()), start * model.latentDim);
  }
  return z;
}

/**
 * MMD^2 (Gretton et al. 2012, eq. 3, Gaussian kernel) between the codes of the first `count` images and as many
 * draws of the prior. The kernel width comes from the prior draws alone (median heuristic, Gretton et al.
 * sec. 8), so models scored against the same draws (same seed) are scored with the same kernel.
 */
export function priorMatch(model: PriorMatchedModel, data: Dataset, opts: PriorMatchOptions = {}): PriorMatch {
  const count = Math.min(opts.count ?? 2000, data.count);
  const k = model.latentDim;
  const prior = model.samplePrior(count, new Rng(opts.seed ?? 0, Stream.priorSample)).z;
  const sigma = medianDistance(prior, k);
  return { mmd2: mmdSquared(codesOf(model, data, count), prior, k, sigma), sigma, count };
}
