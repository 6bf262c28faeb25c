import * as tf from '@tensorflow/tfjs';
import { bernoulliMean, logBernoulli } from '../prob/bernoulli.js';
import { logNormal, logNormalFixedSigma } from '../prob/gaussian.js';

/** The decoder likelihoods p(x|z) vaekit offers. */
export const DECODERS = ['bernoulli', 'gaussian', 'gaussian-learned'] as const;
export type DecoderKind = (typeof DECODERS)[number];

/** Settings of the decoder likelihood. */
export interface LikelihoodOptions {
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. */
  sigma: number;
  /** Floor of the learned log-variance: keeps the density bounded on pixels that never vary. */
  minLogVar: number;
}

/** Width of the decoder's output for data of `dim` values: logits or means, plus log-variances if learned. */
export function decoderOutputSize(decoder: DecoderKind, dim: number): number {
  return decoder === 'gaussian-learned' ? 2 * dim : dim;
}

/** The learned log-variance head, softly floored: minLogVar + softplus(raw - minLogVar). */
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
        return splitLearned(out, opts.minLogVar)[0].clone();
    }
  });
}
