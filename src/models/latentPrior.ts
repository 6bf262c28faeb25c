import * as tf from '@tensorflow/tfjs';
import { klStdNormal, logStdNormal } from '../prob/gaussian.js';
import { Rng } from '../rng.js';

/**
 * The prior p(z) of a Gaussian-encoder VAE: its log-density (what the importance weights and the Monte Carlo KL
 * use), its KL to q(z|x) in closed form where there is one, and its draws (what `sample` decodes).
 */
export interface LatentPrior {
  /** log p(z) per row of z [rows, latentDim], in nats. */
  logDensity(z: tf.Tensor2D): tf.Tensor1D;
  /** KL(N(mean, diag(exp(logVar))) || p(z)) per example in closed form, or null where it has none (then by Monte Carlo). */
  klClosedForm(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D | null;
  /** n draws z ~ p(z), row after row [n * latentDim], from `rng` alone. */
  sample(n: number, rng: Rng): Float32Array;
}

/** p(z) = N(0, I). */
export class StandardNormalPrior implements LatentPrior {
  constructor(private readonly latentDim: number) {}

  logDensity(z: tf.Tensor2D): tf.Tensor1D {
    return logStdNormal(z) as tf.Tensor1D;
  }

  // Kingma & Welling 2014, App. B: -KL = 0.5 * sum(1 + logVar - mean^2 - exp(logVar)).
  klClosedForm(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
    return klStdNormal(mean, logVar) as tf.Tensor1D;
  }

  sample(n: number, rng: Rng): Float32Array {
    return rng.fillNormal(new Float32Array(n * this.latentDim));
  }
}
