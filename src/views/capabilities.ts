/**
 * What a view needs from a model, asked of its interface rather than its kind, so that every model kind with
 * the parts works: an encoder (images -> codes), a decoder (codes -> mean images), a prior to sample from.
 * The checks are structural: they accept the `CodeModel` shape (encodeMean, decodeMean, prior) and the
 * Gaussian encoder of a `LatentVariableModel` (encode -> { mean, logVar }).
 */
import * as tf from '@tensorflow/tfjs';
import { isLatentVariableModel, Model } from '../models/types.js';
import { Rng } from '../rng.js';

/** Maps images [batch, dim] to codes [batch, latentDim]. */
export interface CodeEncoder {
  readonly latentDim: number;
  /** The deterministic code (for a VAE the mean of q(z|x)); preferred when present. */
  encodeMean?(x: tf.Tensor2D): tf.Tensor2D;
  /** q(z|x) of a probabilistic encoder. */
  encode?(x: tf.Tensor2D): tf.Tensor2D | { mean: tf.Tensor2D };
}

/** Maps codes [batch, latentDim] to the mean of p(x|z) (or a deterministic reconstruction) in [0, 1]. */
export interface CodeDecoder {
  readonly latentDim: number;
  decodeMean(z: tf.Tensor2D): tf.Tensor2D;
  /** A draw x ~ p(x|z) for each code [rows * dim], where the model's likelihood offers one. */
  decodeDraw?(z: tf.Tensor2D, rng: Rng): Float32Array;
  /** n codes z ~ p(z) [n * latentDim] of the model's own prior; absent: N(0, I). */
  samplePriorCodes?(n: number, rng: Rng): Float32Array;
}

function hasLatentDim(m: object): boolean {
  const k = (m as { latentDim?: unknown }).latentDim;
  return typeof k === 'number' && Number.isInteger(k) && k > 0;
}

export function canEncode(m: Model): m is Model & CodeEncoder {
  const e = m as Partial<CodeEncoder>;
  return hasLatentDim(m) && (typeof e.encodeMean === 'function' || typeof e.encode === 'function');
}

export function canDecode(m: Model): m is Model & CodeDecoder {
  return hasLatentDim(m) && typeof (m as Partial<CodeDecoder>).decodeMean === 'function';
}

/**
 * Whether z ~ N(0, I) is the model's prior, so decoded draws are samples of the model. A model says so with
 * `prior: 'standard-normal'` (or null: an autoencoder defines no density over codes); without the field, a
 * latent-variable model's importance weights p(x, z) / q(z|x) imply that prior.
 */
export function hasStandardNormalPrior(m: Model): boolean {
  const prior = (m as { prior?: unknown }).prior;
  return prior === undefined ? isLatentVariableModel(m) : prior === 'standard-normal';
}

/**
 * Whether the model has a prior to draw codes from, so decoded draws are samples of the model: N(0, I), or a
 * learned prior (the VampPrior) that the model draws from itself (`samplePriorCodes`).
 */
export function hasPrior(m: Model): boolean {
  if (hasStandardNormalPrior(m)) return true;
  return (m as { prior?: unknown }).prior === 'learned' && typeof (m as Partial<CodeDecoder>).samplePriorCodes === 'function';
}

/** The prior the model's codes are drawn from, in words: 'N(0, I)' or 'p(z), the learned prior'. */
export function priorText(m: Model): string {
  return (m as { prior?: unknown }).prior === 'learned' ? 'p(z), the learned prior' : 'N(0, I)';
}

/** The code of each image [batch, latentDim]: the posterior mean for a probabilistic encoder. */
export function encodeMean(model: CodeEncoder, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (model.encodeMean) return model.encodeMean(x);
    const out = model.encode!(x);
    // Cloned so that tidy frees the encoder's other outputs (logVar) and keeps only the mean.
    return out instanceof tf.Tensor ? out : tf.clone(out.mean);
  });
}

/**
 * A decoder that needs the label as well as the code: p(x|y,z) of a conditional model (CVAE, M2). The views
 * draw from it with the label fixed, through `decoderForLabel`.
 */
export interface LabelledDecoder {
  readonly latentDim: number;
  readonly numClasses: number;
  decodeMeanGiven(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
}

/** An encoder that needs the label: the mean of q(z|x,y). */
export interface LabelledEncoder {
  readonly latentDim: number;
  readonly numClasses: number;
  encodeMeanGiven(x: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
}

function hasClasses(m: object): boolean {
  const k = (m as { numClasses?: unknown }).numClasses;
  return typeof k === 'number' && Number.isInteger(k) && k > 0;
}

export function canDecodeGivenLabel(m: Model): m is Model & LabelledDecoder {
  return hasLatentDim(m) && hasClasses(m) && typeof (m as Partial<LabelledDecoder>).decodeMeanGiven === 'function';
}

export function canEncodeGivenLabel(m: Model): m is Model & LabelledEncoder {
  return hasLatentDim(m) && hasClasses(m) && typeof (m as Partial<LabelledEncoder>).encodeMeanGiven === 'function';
}

/** The decoder with the label fixed to `label`: every label-free view (samples, manifold) works on it. */
export function decoderForLabel(model: LabelledDecoder, label: number): CodeDecoder {
  if (!Number.isInteger(label) || label < 0 || label >= model.numClasses) throw new Error(`label ${label} is not one of the model's labels 0..${model.numClasses - 1}`);
  return {
    latentDim: model.latentDim,
    decodeMean: (z) => tf.tidy(() => model.decodeMeanGiven(z, tf.fill([z.shape[0]], label, 'int32') as tf.Tensor1D)),
  };
}
