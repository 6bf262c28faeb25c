import * as tf from '@tensorflow/tfjs';
import { bernoulliMean, logBernoulli } from '../prob/bernoulli.js';
import { logNormal, logNormalFixedSigma } from '../prob/gaussian.js';
import { logDiscretizedLogistic } from '../prob/logistic.js';
import { ImageShape } from '../nn/convNet.js';
import { ParamStore } from '../nn/params.js';
import { ResidualAutoregression } from '../nn/residualAutoregression.js';
import { Rng } from '../rng.js';
import { DecoderKind, DecoderSettings, KERNEL_DECODERS, KernelDecoderKind } from './decoders.js';

export { DECODER_SETTINGS, decoderReads, DECODERS, KERNEL_DECODERS } from './decoders.js';
export type { DecoderKind, DecoderSettings, KernelDecoderKind } from './decoders.js';

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

/** Settings of the decoder likelihood (the floor of the learned log-variance keeps the density bounded on pixels that never vary). */
export interface LikelihoodOptions extends DecoderSettings {
  /** 'gaussian-ar': the prediction A r of each residual r = x - mean from the ones before it (src/nn/residualAutoregression.ts). */
  predictResidual?: (r: tf.Tensor2D) => tf.Tensor2D;
  /** 'gaussian-ar': the residuals r = A r + s of a draw, given the scaled noise s [rows * dim] (ResidualAutoregression.solve). */
  solveResidual?: (s: Float32Array, rows: number) => Float32Array;
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

/**
 * A draw x ~ p(x|z) [rows * dim] from the decoder's raw output [rows, outputSize], for pictures of what the
 * model generates rather than its mean. Gaussian draws are not clipped to the data range; the discretized
 * logistic's fall on the 256 levels; gaussian-ar draws its residuals through the autoregression.
 */
export function drawFromLikelihood(out: tf.Tensor2D, opts: LikelihoodOptions, rng: Rng): Float32Array {
  const rows = out.shape[0];
  const learned = (floor: number) => tf.tidy(() => splitLearned(out, floor).map((t) => t.dataSync() as Float32Array));
  switch (opts.decoder) {
    case 'bernoulli': {
      const p = tf.tidy(() => tf.sigmoid(out).dataSync() as Float32Array);
      return p.map((pi) => (rng.uniform() < pi ? 1 : 0));
    }
    case 'gaussian': {
      const mean = out.dataSync() as Float32Array;
      return mean.map((m) => m + opts.sigma * rng.normal());
    }
    case 'gaussian-learned': {
      const [mean, logVar] = learned(opts.minLogVar);
      return mean.map((m, i) => m + Math.exp(logVar[i] / 2) * rng.normal());
    }
    case 'discretized-logistic': {
      // The inverse CDF of the logistic, then the level the value falls in: the edge bins hold the tails.
      const [loc, logScale] = learned(MIN_LOG_SCALE);
      return loc.map((m, i) => {
        const u = Math.min(Math.max(rng.uniform(), 1e-7), 1 - 1e-7);
        const x = m + Math.exp(logScale[i]) * Math.log(u / (1 - u));
        return Math.round(Math.min(Math.max(x, 0), 1) * 255) / 255;
      });
    }
    case 'gaussian-ar': {
      if (!opts.solveResidual) throw new Error('drawing from gaussian-ar needs the residual autoregression of its model (LikelihoodOptions.solveResidual)');
      const [mean, logVar] = learned(opts.minLogVar);
      const r = opts.solveResidual(logVar.map((lv) => Math.exp(lv / 2) * rng.normal()), rows);
      return mean.map((m, i) => m + r[i]);
    }
  }
}

/** A draw x ~ p(x|z) from one decoder pass `decode`, run in a tidy; its output is freed afterwards. */
export function drawFromDecoder(decode: () => tf.Tensor2D, opts: LikelihoodOptions, rng: Rng): Float32Array {
  const out = tf.tidy(decode);
  try {
    return drawFromLikelihood(out, opts, rng);
  } finally {
    out.dispose();
  }
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
  return { ...opts, predictResidual: (r) => ar.predict(r), solveResidual: (noise, rows) => ar.solve(noise, rows) };
}
