import * as tf from '@tensorflow/tfjs';
import type { Objective } from '../config/train.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { fusedKernels } from '../fastpath/fused.js';
import { Kernels } from '../fastpath/kernels.js';
import { MlpVaeOnKernels } from '../fastpath/mlpVae.js';
import { fillNormalWith } from '../fastpath/random.js';
import { Model } from '../models/types.js';
import { Rng, Stream } from '../rng.js';
import { Reads, settleSync } from '../tensorReads.js';
import { Dequantization, dequantizeBatch } from './bitsPerDim.js';

export interface EvaluateLossOptions {
  /** Images per forward pass. Default 500. */
  batchSize?: number;
  /** Monte Carlo samples of z per image. Default 1. */
  numSamples?: number;
  /** Seed of the eps stream. Default 0. */
  seed?: number;
  /** Which bound `total` negates: the ELBO, or the IWAE bound of numSamples draws (train.objective). Default 'elbo'. */
  objective?: Objective;
  /** Uniform dequantization of the images (continuous densities on 8-bit data). Default none. */
  dequantize?: Dequantization;
  onProgress?(done: number, total: number): void;
}

/**
 * Sums over a batch x [rows, dim] of the loss terms with beta = 1, by name: at once, or (on tfjs) as a tensor
 * of the sums in the order of `names`, to be read.
 */
type BatchSums = (x: Float32Array, rows: number, rng: Rng) => [string, number][] | { names: string[]; sums: tf.Tensor };

function portableSums(model: Model, dim: number, numSamples: number, objective: Objective): BatchSums {
  return (x, rows, rng) => {
    let names: string[] = [];
    const sums = tf.tidy(() => {
      const terms = model.lossTerms({ x: tf.tensor2d(x, [rows, dim]) }, { beta: 1, numSamples, rng, objective });
      names = Object.keys(terms);
      return tf.stack(names.map((k) => tf.sum(terms[k])));
    });
    return { names, sums };
  };
}

/** The same sums on the hand-fused kernels, with eps drawn as the model draws it. */
function kernelSums(kernels: Kernels, model: Model, numSamples: number, objective: Objective): BatchSums | null {
  const plan = model.mlpVaePlan?.();
  if (!plan) return null;
  const net = new MlpVaeOnKernels(kernels, plan, model.params.snapshot());
  return (x, rows, rng) => {
    const eps = fillNormalWith(kernels, rng, new Float32Array(numSamples * rows * plan.latentDim));
    return Object.entries(net.losses(x, rows, 1, numSamples, eps, objective)).map(([k, v]) => [k, v * rows]);
  };
}

/**
 * Mean per-example loss terms over a data set with beta = 1, so `total` is the negative ELBO (or IWAE bound) in nats.
 * The data set is used as given (binarize it first if the model was trained on binary data). Changes
 * nothing in the model.
 */
export function evaluateLoss(model: Model, data: Dataset, opts: EvaluateLossOptions = {}): Record<string, number> {
  return settleSync(evaluateLossReads(model, data, opts));
}

/** evaluateLoss as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* evaluateLossReads(model: Model, data: Dataset, opts: EvaluateLossOptions = {}): Reads<Record<string, number>> {
  const batchSize = opts.batchSize ?? 500;
  const dim = imageSize(data);
  const order = inOrder(data.count);
  const sums: Record<string, number> = {};
  const numSamples = opts.numSamples ?? 1;
  // On the hand-fused kernels where start-up chose them and the model offers an MLP VAE plan.
  const kernels = fusedKernels();
  const objective = opts.objective ?? 'elbo';
  const batchSums = (kernels && kernelSums(kernels, model, numSamples, objective)) || portableSums(model, dim, numSamples, objective);
  for (let start = 0, b = 0; start < data.count; start += batchSize, b++) {
    const end = Math.min(start + batchSize, data.count);
    const x = gatherBatch(data, order, start, end);
    if (opts.dequantize) dequantizeBatch(x, dim, start, opts.dequantize);
    const rng = new Rng(opts.seed ?? 0, Stream.evalEps, b);
    const got = batchSums(x, end - start, rng);
    if (Array.isArray(got)) {
      for (const [k, v] of got) sums[k] = (sums[k] ?? 0) + v;
    } else {
      const values = yield got.sums;
      got.names.forEach((k, i) => (sums[k] = (sums[k] ?? 0) + values[i]));
    }
    opts.onProgress?.(end, data.count);
  }
  for (const k of Object.keys(sums)) sums[k] /= data.count;
  return sums;
}
