/**
 * What label-aware models offer beyond `Model`: a classifier q(y|x), a semi-supervised objective over mixed
 * batches, and an encoder and decoder conditioned on the label (CVAE, M2).
 */
import * as tf from '@tensorflow/tfjs';
import { ConditionalLayersRef } from '../nn/conditional.js';
import { DenseLayerRef } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { LikelihoodOptions } from './likelihood.js';
import { Rng } from '../rng.js';
import { LossOptions, Model } from './types.js';

/** A model with a classifier q(y|x) over `numClasses` labels. */
export interface Classifier extends Model {
  readonly numClasses: number;
  /** log q(y|x) [batch, numClasses], from a log-softmax. */
  classifierLogProbs(x: tf.Tensor2D): tf.Tensor2D;
}

export function isClassifier(m: Model): m is Classifier {
  const c = m as Partial<Classifier>;
  return typeof c.classifierLogProbs === 'function' && typeof c.numClasses === 'number';
}

/** The parts of a semi-supervised batch; either may be missing (all labelled, or none in this batch). */
export interface MixedBatch {
  labelled?: { x: tf.Tensor2D; labels: tf.Tensor1D };
  unlabelled?: tf.Tensor2D;
}

/** Sizes of the two training sets, which weigh the two batch parts into one estimate of the objective. */
export interface LabelCounts {
  labelled: number;
  unlabelled: number;
}

/** A model trained by the semi-supervised regime (src/train/semiSupervised.ts). */
export interface SemiSupervisedModel extends Classifier {
  /** The parameters the semi-supervised objective trains (all of them, or the last stage's). */
  readonly trainable: ParamStore;
  /** How many training images keep their label, and how many of them each batch takes. */
  readonly config: LabelSettings;
  /** Scalar terms of a mixed batch: `total` is the per-example objective the trainer minimizes. */
  semiSupervisedLoss(batch: MixedBatch, counts: LabelCounts, opts: LossOptions): { total: tf.Scalar } & Record<string, tf.Scalar>;
  /** Present on M2-shaped models (M2, M1+M2): lets a fast path train them (src/fastpath/m2.ts). */
  m2Plan?(): M2Plan;
}

/** An M2 (Kingma et al. 2014, sec. 2.2) described by its layers' parameter names in the `trainable` store. */
export interface M2Plan {
  /** Width of what M2 models: the image, or the features below. */
  inputDim: number;
  latentDim: number;
  numClasses: number;
  /** The classification term's weight in the per-example objective: alpha / N (the config's `alpha`). */
  alpha: number;
  /** q(z|x,y), ending in a linear layer of width 2 * latentDim: [mean | logVar]. */
  encoder: ConditionalLayersRef;
  /** p(x|y,z), ending in the likelihood's raw output (see decoderOutputSize). */
  decoder: ConditionalLayersRef;
  /** q(y|x), ending in the logits. */
  classifier: readonly DenseLayerRef[];
  likelihood: LikelihoodOptions;
  /**
   * M1+M2: M2 models a fixed first model's q(z1|x), its mean or (`sample`) a draw from it per step, drawn
   * before M2's eps; that model's encoder and its values; with `mask`, z1 times it (0 drops a dimension).
   */
  features?: { encoder: readonly DenseLayerRef[]; latentDim: number; values: Map<string, Float32Array>; sample: boolean; mask?: Float32Array | null };
}

export function isSemiSupervisedModel(m: Model): m is SemiSupervisedModel {
  return isClassifier(m) && typeof (m as Partial<SemiSupervisedModel>).semiSupervisedLoss === 'function';
}

/** Settings every semi-supervised kind carries in its model config. */
export interface LabelSettings {
  /** Training images that keep their label, balanced: labelled / classes per class (0: all). */
  labelled: number;
  /** Labelled examples added to every batch of unlabelled ones. */
  labelledBatch: number;
}

/** A model whose encoder q(z|x,y) and decoder p(x|y,z) take the label: CVAE, M2. */
export interface ConditionalCodeModel extends Model {
  readonly latentDim: number;
  readonly numClasses: number;
  /** The mean of q(z|x,y) [batch, latentDim]. */
  encodeMeanGiven(x: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
  /** The mean of p(x|y,z), pixel intensities [batch, dim]. */
  decodeMeanGiven(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
}

export function isConditionalCodeModel(m: Model): m is ConditionalCodeModel {
  const c = m as Partial<ConditionalCodeModel>;
  return typeof c.encodeMeanGiven === 'function' && typeof c.decodeMeanGiven === 'function' && typeof c.numClasses === 'number';
}

/**
 * A conditional model with a density p(x|y) = integral of p(x|y,z) p(z) dz over a Gaussian q(z|x,y) (the CVAE):
 * the ingredients of the importance-weighted estimate of log p(x|y).
 */
export interface ConditionalLatentVariableModel extends ConditionalCodeModel {
  /** log p(x|y,z_k) + log p(z_k) - log q(z_k|x,y) for `numSamples` draws z_k ~ q(z|x,y), laid out [numSamples, batch]. */
  importanceLogWeightsGiven(x: tf.Tensor2D, labels: tf.Tensor1D, numSamples: number, rng: Rng): tf.Tensor2D;
}

export function isConditionalLatentVariableModel(m: Model): m is ConditionalLatentVariableModel {
  return isConditionalCodeModel(m) && typeof (m as Partial<ConditionalLatentVariableModel>).importanceLogWeightsGiven === 'function';
}
