import * as tf from '@tensorflow/tfjs';
import { bernoulliMean, logBernoulli } from '../prob/bernoulli.js';
import { logNormal, logNormalFixedSigma } from '../prob/gaussian.js';
import { logDiscretizedLogistic } from '../prob/logistic.js';
import { ImageShape } from '../nn/convNet.js';
import { ParamStore } from '../nn/params.js';
import { ResidualAutoregression } from '../nn/residualAutoregression.js';

/**
 * The decoder likelihoods the native kernels implement (src/fastpath, native/): a kernel's decoder code is
 * the index here, so the order is fixed.
 */
export const KERNEL_DECODERS = ['bernoulli', 'gaussian', 'gaussian-learned'] as const;
export type KernelDecoderKind = (typeof KERNEL_DECODERS)[number];

/** The decoder likelihoods p(x|z) vaekit offers: the kernels' ones, then those only tfjs runs. */
export const DECODERS = [...KERNEL_DECODERS, 'discretized-logistic', 'gaussian-ar'] as const;
export type DecoderKind = (typeof DECODERS)[number];

/** True for the decoders the native kernels run; models with another one train through tfjs. */
export function isKernelDecoder(decoder: DecoderKind): decoder is KernelDecoderKind {
  return (KERNEL_DECODERS as readonly string[]).includes(decoder);
}

/**
 * Floor of the discretized logistic's log-scale, applied softly like the Gaussian's minLogVar. PixelCNN++
 * clamps at -7 (s ~ 1e-3 on its [-1, 1] scale); on [0, 1] that is s ~ 1/1100, a quarter of a bin, past
 * which a pixel's bin already holds nearly all the mass.
 */
export const MIN_LOG_SCALE = -7;

/** Settings of the decoder likelihood. */
export interface LikelihoodOptions {
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. */
  sigma: number;
  /** Floor of the learned log-variance: keeps the density bounded on pixels that never vary. */
  minLogVar: number;
  /** 'gaussian-ar': the prediction A r of each residual r = x - mean from the ones before it (src/nn/residualAutoregression.ts). */
  predictResidual?: (r: tf.Tensor2D) => tf.Tensor2D;
}

/** Width of the decoder's output for data of `dim` values: logits or means, plus log-variances or log-scales if learned. */
export function decoderOutputSize(decoder: DecoderKind, dim: number): number {
  return decoder === 'bernoulli' || decoder === 'gaussian' ? dim : 2 * dim;
}

/** The learned log-variance (or log-scale) head, softly floored: floor + softplus(raw - floor). */
function splitLearned(out: tf.Tensor2D, minLogVar: number): [tf.Tensor2D, tf.Tensor2D] {
  const [mean, raw] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  return [mean, tf.add(tf.softplus(tf.sub(raw, minLogVar)), minLogVar) as tf.Tensor2D];
}

/** log p(x|z) per example, in nats, from the decoder's raw output. */
export function logLikelihood(out: tf.Tensor2D, x: tf.Tensor2D, opts: LikelihoodOptions): tf.Tensor1D {
  return tf.tidy(() => {
    switch (opts.decoder) {
      case 'bernoulli':
        return logBernoulli(out, x) as tf.Tensor1D;
      case 'gaussian':
        return logNormalFixedSigma(x, out, opts.sigma) as tf.Tensor1D;
      case 'gaussian-learned': {
        const [mean, logVar] = splitLearned(out, opts.minLogVar);
        return logNormal(x, mean, logVar) as tf.Tensor1D;
      }
      case 'discretized-logistic': {
        const [mean, logScale] = splitLearned(out, MIN_LOG_SCALE);
        return logDiscretizedLogistic(x, mean, logScale);
      }
      case 'gaussian-ar': {
        if (!opts.predictResidual) throw new Error('the gaussian-ar likelihood needs the residual autoregression of its model (LikelihoodOptions.predictResidual)');
        // The autoregression's Jacobian is unit triangular: log p(x|z) = sum_i log N(x_i; mean_i + (A r)_i, var_i).
        const [mean, logVar] = splitLearned(out, opts.minLogVar);
        return logNormal(x, tf.add(mean, opts.predictResidual(tf.sub(x, mean) as tf.Tensor2D)), logVar) as tf.Tensor1D;
      }
    }
  });
}

/** The mean of p(x|z) (pixel intensities), for display and sampling. */
export function decoderMean(out: tf.Tensor2D, opts: LikelihoodOptions): tf.Tensor2D {
  return tf.tidy(() => {
    switch (opts.decoder) {
      case 'bernoulli':
        return bernoulliMean(out) as tf.Tensor2D;
      case 'gaussian':
        return out.clone();
      case 'gaussian-learned':
      case 'gaussian-ar': // E[x - mean] = 0 under the autoregression too
        return splitLearned(out, opts.minLogVar)[0].clone();
      case 'discretized-logistic':
        // The logistic's location, clipped to the data range: the edge bins hold the tails.
        return tf.clipByValue(tf.split(out, 2, 1)[0], 0, 1) as tf.Tensor2D;
    }
  });
}

/** What a model's config says of its likelihood. */
export interface LikelihoodConfig {
  decoder: DecoderKind;
  sigma: number;
  minLogVar: number;
}

/**
 * The likelihood settings of a model; for 'gaussian-ar' this adds the residual autoregression's filter
 * `${name}.w` to the model's parameters, which needs the image shape.
 */
export function buildLikelihood(params: ParamStore, name: string, config: LikelihoodConfig, shape: ImageShape | undefined): LikelihoodOptions {
  const opts: LikelihoodOptions = { decoder: config.decoder, sigma: config.sigma, minLogVar: config.minLogVar };
  if (config.decoder !== 'gaussian-ar') return opts;
  if (!shape) throw new Error('--decoder gaussian-ar needs the image shape [height, width, channels]; none was given');
  const ar = new ResidualAutoregression(params, name, shape);
  return { ...opts, predictResidual: (r) => ar.predict(r) };
}
