import * as tf from '@tensorflow/tfjs';
import { corrupt, NoiseKind } from '../data/corrupt.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherLabels } from '../data/labelSplit.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { ConditionalCodeModel } from '../models/labelled.js';
import { CodeModel, isCodeModel } from '../models/types.js';
import { Rng, Stream } from '../rng.js';

/** Mean reconstruction error per image over a data set. */
export interface ReconstructionError {
  /** sum_i (x_i - x^_i)^2 per image. */
  squaredError: number;
  /** -sum_i [x_i log x^_i + (1 - x_i) log(1 - x^_i)] per image, in nats, with x^ clipped to [1e-6, 1 - 1e-6]. */
  crossEntropy: number;
}

/** Keeps log finite for reconstructions that leave (0, 1), as PCA's may: each pixel costs at most ~13.8 nats. */
const CLIP = 1e-6;

export interface ReconstructionOptions {
  /** Images per pass. Default 500. */
  batchSize?: number;
  /** Feed the model a corrupted copy of each image, drawn from (seed, Stream.corrupt, batch); score against the clean one. */
  corruption?: { noise: NoiseKind; level: number; seed: number };
  onProgress?(done: number, total: number): void;
}

/** x^ of the batch [rows, dim] made of images start..end - 1 of the data set (whose labels a conditional model takes). */
type Reconstruct = (input: tf.Tensor2D, start: number, end: number) => tf.Tensor2D;

function reconstructor(model: CodeModel | ConditionalCodeModel, data: Dataset, order: Uint32Array): Reconstruct {
  if (isCodeModel(model)) return (input) => model.decodeMean(model.encodeMean(input));
  if (!data.labels) throw new Error(`${data.name}: a ${model.kind} model reconstructs given each image's label, and this data set has none`);
  return (input, start, end) => {
    const labels = tf.tensor1d(gatherLabels(data, order, start, end), 'int32');
    return model.decodeMeanGiven(model.encodeMeanGiven(input, labels), labels);
  };
}

/**
 * How well x^ = decode(encode(x)) reproduces x, through each model's deterministic code (the mean of q(z|x)
 * for a VAE), so every kind is scored the same way; a model that encodes and decodes given a label (the mean
 * of q(z|x,y), then of p(x|y,z)) is given each image's own label. The data set is used as given. Changes nothing.
 */
export function reconstructionError(model: CodeModel | ConditionalCodeModel, data: Dataset, opts: ReconstructionOptions = {}): ReconstructionError {
  const batchSize = opts.batchSize ?? 500;
  const dim = imageSize(data);
  const order = inOrder(data.count);
  const reconstruct = reconstructor(model, data, order);
  let squaredError = 0;
  let crossEntropy = 0;
  for (let start = 0, b = 0; start < data.count; start += batchSize, b++) {
    const end = Math.min(start + batchSize, data.count);
    const x = gatherBatch(data, order, start, end);
    const c = opts.corruption;
    const input = c ? corrupt(x, dim, c.noise, c.level, new Rng(c.seed, Stream.corrupt, b)) : x;
    const [se, ce] = tf.tidy(() => {
      const xt = tf.tensor2d(x, [end - start, dim]);
      const recon = reconstruct(tf.tensor2d(input, [end - start, dim]), start, end);
      const p = tf.clipByValue(recon, CLIP, 1 - CLIP);
      const logLik = tf.add(tf.mul(xt, tf.log(p)), tf.mul(tf.sub(1, xt), tf.log(tf.sub(1, p))));
      return [tf.sum(tf.square(tf.sub(xt, recon))).dataSync()[0], -tf.sum(logLik).dataSync()[0]];
    });
    squaredError += se;
    crossEntropy += ce;
    opts.onProgress?.(end, data.count);
  }
  return { squaredError: squaredError / data.count, crossEntropy: crossEntropy / data.count };
}
