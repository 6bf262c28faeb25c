import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { Model } from '../models/types.js';
import { Rng, Stream } from '../rng.js';

export interface EvaluateLossOptions {
  /** Images per forward pass. Default 500. */
  batchSize?: number;
  /** Monte Carlo samples of z per image. Default 1. */
  numSamples?: number;
  /** Seed of the eps stream. Default 0. */
  seed?: number;
  onProgress?(done: number, total: number): void;
}

/**
 * Mean per-example loss terms over a data set with beta = 1, so `total` is the negative ELBO in nats.
 * The data set is used as given (binarize it first if the model was trained on binary data). Changes
 * nothing in the model.
 */
export function evaluateLoss(model: Model, data: Dataset, opts: EvaluateLossOptions = {}): Record<string, number> {
  const batchSize = opts.batchSize ?? 500;
  const dim = imageSize(data);
  const order = inOrder(data.count);
  const sums: Record<string, number> = {};
  for (let start = 0, b = 0; start < data.count; start += batchSize, b++) {
    const end = Math.min(start + batchSize, data.count);
    const x = gatherBatch(data, order, start, end);
    const rng = new Rng(opts.seed ?? 0, Stream.evalEps, b);
    const values = tf.tidy(() => {
      const terms = model.lossTerms({ x: tf.tensor2d(x, [end - start, dim]) }, { beta: 1, numSamples: opts.numSamples ?? 1, rng });
      return Object.entries(terms).map(([k, t]) => [k, tf.sum(t).dataSync()[0]] as const);
    });
    for (const [k, v] of values) sums[k] = (sums[k] ?? 0) + v;
    opts.onProgress?.(end, data.count);
  }
  for (const k of Object.keys(sums)) sums[k] /= data.count;
  return sums;
}
