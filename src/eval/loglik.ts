import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherLabels } from '../data/labelSplit.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { fusedKernels } from '../fastpath/fused.js';
import { Kernels } from '../fastpath/kernels.js';
import { MlpVaeOnKernels } from '../fastpath/mlpVae.js';
import { fillNormalWith } from '../fastpath/random.js';
import { ConditionalLatentVariableModel } from '../models/labelled.js';
import { LatentVariableModel } from '../models/types.js';
import { LogMeanExpAccumulator } from '../prob/estimators.js';
import { Rng, Stream } from '../rng.js';
import { Dequantization, dequantizeBatch } from './bitsPerDim.js';

export interface LogLikelihoodOptions {
  /** Importance samples per image (K). Default 5000. */
  k?: number;
  /** Images evaluated together. Default 100. */
  batchSize?: number;
  /** Rows (images x samples) per decoder pass: bounds memory. Default 20000 for images of up to 784 values, proportionally fewer for larger ones. */
  rowsPerPass?: number;
  /** Seed of the sampling stream. Default 0. */
  seed?: number;
  /** Uniform dequantization of the images (continuous densities on 8-bit data). Default none. */
  dequantize?: Dequantization;
  onProgress?(doneImages: number, totalImages: number): void;
}

/**
 * 20000 rows of MNIST's 784 values, and as many values for larger images (CIFAR-10: 5104 rows of 3072): 20000 rows
 * of a CIFAR-10 Gaussian decoder's output alone would be 491 MB, more than the wasm heap grants at once.
 */
function defaultRowsPerPass(dim: number): number {
  return Math.max(1, Math.floor((20000 * 784) / Math.max(dim, 784)));
}

/** Importance log-weights [samples, rows] of a batch x [rows, dim] (images start..start + rows - 1), with eps from `rng`. */
type LogWeights = (x: Float32Array, rows: number, samples: number, rng: Rng, start: number) => Float32Array;

/** The model's own importance weights, through tfjs. */
function portableLogWeights(model: LatentVariableModel, dim: number): LogWeights {
  return (x, rows, samples, rng) =>
    tf.tidy(() => model.importanceLogWeights(tf.tensor2d(x, [rows, dim]), samples, rng).dataSync() as Float32Array);
}

/** The same weights on the hand-fused kernels, with eps drawn in the same order as the model draws them. */
function kernelLogWeights(kernels: Kernels, model: LatentVariableModel): LogWeights | null {
  const plan = model.mlpVaePlan?.();
  if (!plan) return null;
  const net = new MlpVaeOnKernels(kernels, plan, model.params.snapshot());
  return (x, rows, samples, rng) => net.importanceLogWeights(x, rows, samples, fillNormalWith(kernels, rng, new Float32Array(samples * rows * plan.latentDim)));
}

/** The weights given each image's label, for a model whose proposal and density take it. */
function labelledLogWeights(model: ConditionalLatentVariableModel, data: Dataset, order: Uint32Array): LogWeights {
  const dim = imageSize(data);
  return (x, rows, samples, rng, start) =>
    tf.tidy(() => {
      const labels = tf.tensor1d(gatherLabels(data, order, start, start + rows), 'int32');
      return model.importanceLogWeightsGiven(tf.tensor2d(x, [rows, dim]), labels, samples, rng).dataSync() as Float32Array;
    });
}

/**
 * The importance-sampled estimate of log p(x) with q(z|x) as proposal (Burda, Grosse & Salakhutdinov 2016,
 * eq. 8; Rezende et al. 2014, App. E): log (1/K) sum_k p(x, z_k) / q(z_k|x), z_k ~ q(z|x). Samples are
 * drawn in chunks and folded into a running log-mean-exp, so K = 5000 never holds more than `rowsPerPass`
 * decoder rows. Returns the mean over images, in nats, and each image's estimate.
 */
export async function estimateLogLikelihood(model: LatentVariableModel, data: Dataset, opts: LogLikelihoodOptions = {}): Promise<{ mean: number; perImage: Float64Array }> {
  // On the hand-fused kernels where start-up chose them and the model offers an MLP VAE plan.
  const kernels = fusedKernels();
  const logWeights = (kernels && kernelLogWeights(kernels, model)) || portableLogWeights(model, imageSize(data));
  return importanceEstimate(logWeights, data, opts);
}

/**
 * The same estimate of log p(x|y) for a conditional model, each image given its label: the proposal is
 * q(z|x,y), log (1/K) sum_k p(x|y,z_k) p(z_k) / q(z_k|x,y) (Burda et al. 2016, eq. 8, with y held fixed).
 */
export async function estimateLogLikelihoodGivenLabel(model: ConditionalLatentVariableModel, data: Dataset, opts: LogLikelihoodOptions = {}): Promise<{ mean: number; perImage: Float64Array }> {
  if (!data.labels) throw new Error(`${data.name}: log p(x|y) needs the label of every image, and this data set has none`);
  return importanceEstimate(labelledLogWeights(model, data, inOrder(data.count)), data, opts);
}

async function importanceEstimate(logWeights: LogWeights, data: Dataset, opts: LogLikelihoodOptions): Promise<{ mean: number; perImage: Float64Array }> {
  const k = opts.k ?? 5000;
  const batchSize = opts.batchSize ?? 100;
  const dim = imageSize(data);
  const perImage = new Float64Array(data.count);
  const order = inOrder(data.count);
  for (let start = 0, b = 0; start < data.count; start += batchSize, b++) {
    const end = Math.min(start + batchSize, data.count);
    const rows = end - start;
    const chunk = Math.max(1, Math.min(k, Math.floor((opts.rowsPerPass ?? defaultRowsPerPass(dim)) / rows)));
    const x = gatherBatch(data, order, start, end);
    if (opts.dequantize) dequantizeBatch(x, dim, start, opts.dequantize);
    const acc = new LogMeanExpAccumulator(rows);
    for (let drawn = 0, c = 0; drawn < k; drawn += chunk, c++) {
      const samples = Math.min(chunk, k - drawn);
      acc.add(logWeights(x, rows, samples, new Rng(opts.seed ?? 0, Stream.evalEps, b, c), start), samples);
    }
    perImage.set(acc.value(), start);
    opts.onProgress?.(end, data.count);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  let sum = 0;
  for (const v of perImage) sum += v;
  return { mean: sum / data.count, perImage };
}
