import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../nn/params.js';
import { logNormalMixture, reparameterize } from '../prob/gaussian.js';
import { Rng } from '../rng.js';
import { LatentPrior } from './latentPrior.js';

/** Initial pseudo-inputs, drawn N(PSEUDO_INPUT_MEAN, PSEUDO_INPUT_STD^2): the reference implementation's values for MNIST. */
export const PSEUDO_INPUT_MEAN = 0.05;
export const PSEUDO_INPUT_STD = 0.01;

/** q(z|x) of the encoder the prior shares: mean and log-variance [rows, latentDim]; `inputGrad` when x is trained. */
export type Posterior = (x: tf.Tensor2D, inputGrad: boolean) => { mean: tf.Tensor2D; logVar: tf.Tensor2D };

/**
 * The VampPrior (Tomczak & Welling 2018, sec. 3): p(z) = (1/K) sum_k q(z|u_k), the encoder's posteriors of K
 * learned pseudo-inputs u_k. The u_k are parameters ([K, inputDim] under `${name}.pseudoInputs`, trained with the
 * rest and saved in checkpoints), passed through hardtanh(0, 1) = clip to [0, 1] so that they stay in the images'
 * range, as in the paper's code. The components are recomputed at every call, since the encoder changes.
 */
export class VampPrior implements LatentPrior {
  private readonly raw: tf.Variable;
  /** The ParamStore name of the raw pseudo-inputs. */
  readonly paramName: string;

  constructor(params: ParamStore, name: string, readonly count: number, inputDim: number, private readonly latentDim: number, private readonly posterior: Posterior, rng: Rng) {
    const init = new Float32Array(count * inputDim);
    for (let i = 0; i < init.length; i++) init[i] = PSEUDO_INPUT_MEAN + PSEUDO_INPUT_STD * rng.normal();
    this.paramName = `${name}.pseudoInputs`;
    this.raw = params.add(this.paramName, tf.tensor2d(init, [count, inputDim]));
  }

  /** The pseudo-inputs u_k [K, inputDim], in [0, 1]. */
  pseudoInputs(): tf.Tensor2D {
    return tf.clipByValue(this.raw, 0, 1) as tf.Tensor2D;
  }

  logDensity(z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { mean, logVar } = this.posterior(this.pseudoInputs(), true);
      return logNormalMixture(z, mean, logVar);
    });
  }

  /** A mixture of Gaussians has no closed-form KL to a Gaussian: the VAE estimates it by Monte Carlo. */
  klClosedForm(): null {
    return null;
  }

  /** Each draw picks a component k uniformly, then z ~ q(z|u_k). */
  sample(n: number, rng: Rng): Float32Array {
    const picks = Int32Array.from({ length: n }, () => rng.below(this.count));
    const eps = rng.fillNormal(new Float32Array(n * this.latentDim));
    return tf.tidy(() => {
      const u = tf.gather(this.pseudoInputs(), tf.tensor1d(picks, 'int32')) as tf.Tensor2D;
      const { mean, logVar } = this.posterior(u, false);
      return reparameterize(mean, logVar, tf.tensor2d(eps, [n, this.latentDim])).dataSync() as Float32Array;
    });
  }
}
