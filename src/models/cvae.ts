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
import { Activation } from '../nn/activations.js';
import { DecoderKind, DECODERS } from './decoders.js';
import { NET_DEFAULTS, NetFields, NET_FIELDS } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { CLASSES_FIELD, M2_NETWORK_FIELDS } from './labelFields.js';
import { autoencoderParameters } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Configuration of the conditional VAE (Kingma et al. 2014, M2 with the label always observed; Sohn et al. 2015). */
export interface CvaeConfig extends NetFields {
  kind: 'cvae';
  /** Dimensions of z. Default 20. */
  latentDim: number;
  /** Hidden layers of q(z|x,y); p(x|y,z) mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** Likelihood p(x|y,z). Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned log-variance ('gaussian-learned'). Default -6. */
  minLogVar: number;
  /** Number of labels y. Default 10. */
  classes: number;
}

export const CVAE_DEFAULTS: CvaeConfig = { kind: 'cvae', latentDim: 20, hidden: [400], activation: 'relu', decoder: 'bernoulli', sigma: 1, minLogVar: -6, classes: 10, ...NET_DEFAULTS };

const CVAE_DECODER_FIELD: FieldSpec = {
  key: 'decoder',
  flag: 'decoder',
  help: 'likelihood p(x|y,z): Bernoulli on logits, Gaussian with fixed sigma or learned variance, discretized logistic (8-bit data), or gaussian-ar (learned variance, residuals autoregressive over a 5x5 causal window)',
  type: { type: 'enum', choices: DECODERS },
};

const CVAE_FIELDS: FieldSpec[] = [
  ...M2_NETWORK_FIELDS.filter((f) => f.key !== 'classifierHidden').map((f) => (f.key === 'decoder' ? CVAE_DECODER_FIELD : f)),
  ...NET_FIELDS,
  CLASSES_FIELD,
];

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

export const CVAE_KIND: ModelKindSpec<CvaeConfig> = {
  kind: 'cvae',
  description: 'conditional VAE: q(z|x,y), p(x|y,z) with y one-hot, N(0, I) prior, ELBO given the label',
  defaults: CVAE_DEFAULTS,
  fields: CVAE_FIELDS,
  trainer: 'labelled',
  objective: '-elbo',
  create: (config, inputDim, seed, shape) => new Cvae(config, inputDim, seed, shape),
  size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim, config.classes) }),
};
