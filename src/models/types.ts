import * as tf from '@tensorflow/tfjs';
import type { Estimator, Objective } from '../config/train.js';
import { DenseLayerRef } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { Rng } from '../rng.js';
import { LikelihoodOptions } from './likelihood.js';

/** A batch fed to a model: x [batch, dim] with values in [0, 1], optional integer labels. */
export interface Batch {
  x: tf.Tensor2D;
  labels?: tf.Tensor1D;
}

/** What the trainer passes to a model's loss. */
export interface LossOptions {
  /** Weight of the KL term (after any warm-up). */
  beta: number;
  /** Monte Carlo samples of z per input (L for the ELBO, K for the IWAE bound). */
  numSamples: number;
  /** The stream eps is drawn from; the caller chooses its seed and counters. */
  rng: Rng;
  /** Which bound `total` negates; a kind computes only those its spec declares (`objectives`). Default 'elbo'. */
  objective?: Objective;
  /** The IWAE bound's gradient estimator; its value (`total`) is the same under both. Default 'standard'. */
  estimator?: Estimator;
}

/**
 * Named loss terms, each per example [batch] in nats. `total` is what the trainer minimizes (averaged over
 * the batch); the others are reported beside it.
 */
export type LossTerms = { total: tf.Tensor1D } & Record<string, tf.Tensor1D>;

/**
 * An MLP VAE described as plain layers and a likelihood, so that an engine with its own kernels
 * (src/fastpath) can run exactly the network and loss that `lossTerms` defines.
 */
export interface MlpVaePlan {
  inputDim: number;
  latentDim: number;
  /** Ends in a linear layer of width 2 * latentDim: [mean | logVar]. */
  encoder: readonly DenseLayerRef[];
  /** Ends in the likelihood's raw output (see decoderOutputSize). */
  decoder: readonly DenseLayerRef[];
  likelihood: LikelihoodOptions;
  /**
   * The VampPrior's pseudo-inputs (Tomczak & Welling 2018), where p(z) is one: the ParamStore name of the
   * [count, inputDim] parameter, clipped to [0, 1] before the encoder. Absent: p(z) = N(0, I).
   */
  vamp?: { pseudoInputs: string; count: number };
}

/** Every trainable model kind. */
export interface Model {
  readonly kind: string;
  readonly params: ParamStore;
  /** Per-example loss terms of one batch; must run inside tf.tidy or dispose what it makes. */
  lossTerms(batch: Batch, opts: LossOptions): LossTerms;
  /** Present on models whose loss is the MLP VAE's negative ELBO: lets a fast path train them. */
  mlpVaePlan?(): MlpVaePlan;
  dispose(): void;
}

/**
 * What the views and the reconstruction error need, and every model kind has: a code for each image and an
 * image for each code. For a VAE the code is the mean of q(z|x); for an autoencoder or PCA it is h(x).
 */
export interface CodeModel extends Model {
  readonly latentDim: number;
  /** The deterministic code of each image [batch, latentDim]. */
  encodeMean(x: tf.Tensor2D): tf.Tensor2D;
  /** Mean of p(x|z), or the reconstruction for a deterministic model: pixel intensities [batch, dim]. */
  decodeMean(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * The distribution codes are drawn from to sample new images: N(0, I); 'learned', a prior with parameters of
   * its own (the VampPrior), which the model draws from itself (`samplePriorCodes`); or null for deterministic
   * models (autoencoders, PCA), which define no density over codes, so `sample` has nothing to draw from.
   */
  readonly prior: 'standard-normal' | 'learned' | null;
  /** n codes z ~ p(z), row after row [n * latentDim], drawn from `rng` alone; required of a 'learned' prior. */
  samplePriorCodes?(n: number, rng: Rng): Float32Array;
}

/** Narrowing helper for the views: every kind vaekit ships passes it. */
export function isCodeModel(m: Model): m is CodeModel {
  const c = m as Partial<CodeModel>;
  return typeof c.encodeMean === 'function' && typeof c.decodeMean === 'function' && typeof c.latentDim === 'number';
}

/** A model with a Gaussian encoder and a decoder over a latent space. */
export interface LatentVariableModel extends CodeModel {
  readonly latentDim: number;
  /** q(z|x): mean and log-variance [batch, latentDim]. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D };
  /** Mean of p(x|z), pixel intensities [batch, dim]. */
  decodeMean(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * Importance log-weights log p(x, z_k) - log q(z_k|x) for `numSamples` draws z_k ~ q(z|x), laid out
   * [numSamples, batch]: the ingredients of the importance-weighted bound.
   */
  importanceLogWeights(x: tf.Tensor2D, numSamples: number, rng: Rng): tf.Tensor2D;
}

/** Narrowing helper for the views and evaluation that need an encoder and a decoder. */
export function isLatentVariableModel(m: Model): m is LatentVariableModel {
  return typeof (m as Partial<LatentVariableModel>).importanceLogWeights === 'function';
}

/**
 * One optimizer step of a model trained by several (the adversarial autoencoder's reconstruction,
 * discriminator and generator steps): its loss and the parameters it updates, with an optimizer of its own.
 */
export interface TrainingStep {
  /** Name of the step; its loss is logged under this name. */
  readonly name: string;
  /** Names in the model's ParamStore that this step updates; no other parameter moves. */
  readonly params: readonly string[];
  /** Per-example terms whose batch-mean `total` the step minimizes; must run inside tf.tidy or dispose what it makes. */
  loss(batch: Batch, opts: LossOptions): LossTerms;
}

/** A model that declares its training as an ordered list of steps, each run once per batch. */
export interface MultiStepModel extends Model {
  readonly trainingSteps: readonly TrainingStep[];
}

export function isMultiStepModel(m: Model): m is MultiStepModel {
  return Array.isArray((m as Partial<MultiStepModel>).trainingSteps);
}
