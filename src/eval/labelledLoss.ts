import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherLabels } from '../data/labelSplit.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { Model } from '../models/types.js';
import { Rng, Stream } from '../rng.js';
import { Reads, settleSync } from '../tensorReads.js';
import { Dequantization, dequantizeBatch } from './bitsPerDim.js';

export interface LabelledLossOptions {
  /** Images per forward pass. Default 500. */
  batchSize?: number;
  /** Monte Carlo samples of z per image. Default 1. */
  numSamples?: number;
  /** Seed of the eps stream. Default 0. */
  seed?: number;
  /** Uniform dequantization of the images (continuous densities on 8-bit data). Default none. */
  dequantize?: Dequantization;
  onProgress?(done: number, total: number): void;
}

/**
 * Mean per-example loss terms over a labelled data set with every image's label given to the model, beta = 1
 * (for a CVAE, `total` is the negative ELBO of log p(x|y); for M2, L(x,y)). Changes nothing in the model.
 */
export function evaluateLabelledLoss(model: Model, data: Dataset, opts: LabelledLossOptions = {}): Record<string, number> {
  return settleSync(evaluateLabelledLossReads(model, data, opts));
}

/** evaluateLabelledLoss as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* evaluateLabelledLossReads(model: Model, data: Dataset, opts: LabelledLossOptions = {}): Reads<Record<string, number>> {
  const batchSize = opts.batchSize ?? 500;
  const dim = imageSize(data);
  const order = inOrder(data.count);
  const sums: Record<string, number> = {};
  for (let start = 0, b = 0; start < data.count; start += batchSize, b++) {
    const end = Math.min(start + batchSize, data.count);
    const x = gatherBatch(data, order, start, end);
    if (opts.dequantize) dequantizeBatch(x, dim, start, opts.dequantize);
    const labels = gatherLabels(data, order, start, end);
    let names: string[] = [];
    const batchSums = tf.tidy(() => {
      const terms = model.lossTerms({ x: tf.tensor2d(x, [end - start, dim]), labels: tf.tensor1d(labels, 'int32') }, { beta: 1, numSamples: opts.numSamples ?? 1, rng: new Rng(opts.seed ?? 0, Stream.evalEps, b) });
      names = Object.keys(terms);
      return tf.stack(names.map((k) => tf.sum(terms[k])));
    });
    const values = yield batchSums;
    names.forEach((k, i) => (sums[k] = (sums[k] ?? 0) + values[i]));
    opts.onProgress?.(end, data.count);
  }
  for (const k of Object.keys(sums)) sums[k] /= data.count;
  return sums;
}
