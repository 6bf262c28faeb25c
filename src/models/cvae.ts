import * as tf from '@tensorflow/tfjs';
import { ImageShape } from '../nn/convNet.js';
import { ParamStore } from '../nn/params.js';
import { klStdNormal, logNormal, logStdNormal, reparameterize } from '../prob/gaussian.js';
import { monteCarloMean } from '../prob/estimators.js';
import { Rng, Stream } from '../rng.js';
import { ConditionalLatentVariableModel } from './labelled.js';
import { decoderMean, decoderOutputSize, logLikelihood, LikelihoodOptions, buildLikelihood } from './likelihood.js';
import { buildConditionalDecoder, buildConditionalEncoder, ConditionalNetwork } from './networks.js';
import { Batch, LossOptions, LossTerms } from './types.js';
import { drawEps, repeatRows } from './vae.js';
import { CvaeConfig } from './cvaeConfig.js';

export { CVAE_DEFAULTS } from './cvaeConfig.js';
export type { CvaeConfig } from './cvaeConfig.js';

function repeatLabels(labels: tf.Tensor1D, times: number): tf.Tensor1D {
  return times === 1 ? labels : tf.concat(new Array<tf.Tensor1D>(times).fill(labels), 0);
}

/**
 * q(z|x,y) = N(mean, diag(exp(logVar))) and p(x|y,z) with y one-hot and prior N(0, I); trained on the negative
 * ELBO given the label, E_q[-log p(x|y,z)] + beta * KL(q(z|x,y) || p(z)). Every batch must carry labels.
 */
export class Cvae implements ConditionalLatentVariableModel {
  readonly kind = 'cvae';
  readonly params = new ParamStore();
  readonly latentDim: number;
  readonly numClasses: number;
  readonly prior = 'standard-normal';
  private readonly encoder: ConditionalNetwork;
  private readonly decoder: ConditionalNetwork;
  private readonly likelihood: LikelihoodOptions;

  constructor(readonly config: CvaeConfig, readonly inputDim: number, seed: number, shape?: ImageShape) {
    const rng = new Rng(seed, Stream.init);
    const k = config.latentDim;
    this.latentDim = k;
    this.numClasses = config.classes;
    this.encoder = buildConditionalEncoder(this.params, 'encoder', config, config.classes, inputDim, shape, 2 * k, rng);
    this.decoder = buildConditionalDecoder(this.params, 'decoder', config, config.classes, k, inputDim, shape, decoderOutputSize(config.decoder, inputDim), rng);
    this.likelihood = buildLikelihood(this.params, 'decoder.ar', config, shape);
  }

  /** q(z|x,y); not named `encode`, which the views take for an encoder of images alone. */
  posterior(x: tf.Tensor2D, labels: tf.Tensor1D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const [mean, logVar] = tf.split(this.encoder.apply(x, labels), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  }

  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    const labels = batch.labels;
    if (!labels) throw new Error('a cvae model needs the label of every image (q(z|x,y), p(x|y,z))');
    return tf.tidy(() => {
      const { x } = batch;
      const numSamples = opts.numSamples;
      const { mean, logVar } = this.posterior(x, labels);
      // Kingma & Welling 2014, App. B: KL in closed form.
      const kl = klStdNormal(mean, logVar) as tf.Tensor1D;
      const eps = drawEps(opts.rng, numSamples * x.shape[0], this.latentDim);
      const z = reparameterize(repeatRows(mean, numSamples), repeatRows(logVar, numSamples), eps) as tf.Tensor2D;
      const logLik = logLikelihood(this.decoder.apply(z, repeatLabels(labels, numSamples), true), repeatRows(x, numSamples), this.likelihood);
      const recon = tf.neg(monteCarloMean(logLik, numSamples)) as tf.Tensor1D;
      return { total: tf.add(recon, tf.mul(kl, opts.beta)) as tf.Tensor1D, recon, kl };
    });
  }

  /** log p(x|y,z_k) + log p(z_k) - log q(z_k|x,y) for z_k ~ q(z|x,y), laid out [numSamples, batch]. */
  importanceLogWeightsGiven(x: tf.Tensor2D, labels: tf.Tensor1D, numSamples: number, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const { mean, logVar } = this.posterior(x, labels);
      const meanK = repeatRows(mean, numSamples);
      const logVarK = repeatRows(logVar, numSamples);
      const z = reparameterize(meanK, logVarK, drawEps(rng, numSamples * x.shape[0], this.latentDim)) as tf.Tensor2D;
      const logPxz = logLikelihood(this.decoder.apply(z, repeatLabels(labels, numSamples), true), repeatRows(x, numSamples), this.likelihood);
      const logW = tf.sub(tf.add(logPxz, logStdNormal(z)), logNormal(z, meanK, logVarK));
      return tf.reshape(logW, [numSamples, x.shape[0]]) as tf.Tensor2D;
    });
  }

  encodeMeanGiven(x: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => this.posterior(x, labels).mean.clone());
  }

  decodeMeanGiven(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => decoderMean(this.decoder.apply(z, labels, true), this.likelihood));
  }

  dispose(): void {
    this.params.dispose();
  }
}
