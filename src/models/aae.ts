import * as tf from '@tensorflow/tfjs';
import { ImageShape } from '../nn/convNet.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { reparameterize } from '../prob/gaussian.js';
import { checkPriorDim, PRIOR_COMPONENTS, priorHasComponents, PriorSample, samplePrior } from '../prob/priors.js';
import { Rng, Stream } from '../rng.js';
import { decoderMean, drawFromDecoder, decoderOutputSize, logLikelihood, LikelihoodOptions, buildLikelihood } from './likelihood.js';
import { buildDecoder, buildEncoder, Network } from './networks.js';
import { Batch, CodeModel, LossOptions, LossTerms, MultiStepModel, TrainingStep } from './types.js';
import { AaeConfig } from './aaeConfig.js';

export { AAE_DEFAULTS } from './aaeConfig.js';
export type { AaeConfig } from './aaeConfig.js';

/** The one-hot width with labels: one slot per component, and a spare one for unlabelled examples (sec. 2.3). */
const LABEL_SLOTS = PRIOR_COMPONENTS + 1;
const UNLABELLED = PRIOR_COMPONENTS;

/**
 * Adversarial autoencoder: an autoencoder whose code distribution q(z) is matched to a prior p(z) by a
 * discriminator d(z) = sigmoid(logit) trained to tell prior samples from codes, the encoder acting as the
 * generator. Declares its three steps (sec. 2 of the paper), run in this order on every batch:
 *   recon: encoder and decoder on -log p(x|z);
 *   disc:  the discriminator on -log d(z_prior) - log(1 - d(z_code));
 *   gen:   the encoder on -log d(z_code) (the non-saturating generator loss of Goodfellow et al. 2014).
 * The sigmoid is folded into the losses: -log sigmoid(a) = softplus(-a), -log(1 - sigmoid(a)) = softplus(a).
 */
export class Aae implements CodeModel, MultiStepModel {
  readonly kind = 'aae';
  readonly params = new ParamStore();
  readonly latentDim: number;
  readonly prior: 'standard-normal' | null;
  readonly trainingSteps: readonly TrainingStep[];
  private readonly encoder: Network;
  private readonly decoder: Network;
  private readonly discriminator: Mlp;
  private readonly likelihood: LikelihoodOptions;

  constructor(readonly config: AaeConfig, readonly inputDim: number, seed: number, shape?: ImageShape) {
    checkPriorDim(config.prior, config.latentDim);
    if (config.labels && !priorHasComponents(config.prior)) throw new Error(`--labels needs a prior made of parts a label can name (mixture or swissroll), not ${config.prior}`);
    const rng = new Rng(seed, Stream.init);
    const k = config.latentDim;
    this.latentDim = k;
    this.prior = config.prior === 'gaussian' ? 'standard-normal' : null;
    const codeWidth = config.stochasticEncoder ? 2 * k : k;
    this.encoder = buildEncoder(this.params, 'encoder', config, inputDim, shape, codeWidth, 'linear', rng);
    this.decoder = buildDecoder(this.params, 'decoder', config, k, inputDim, shape, decoderOutputSize(config.decoder, inputDim), rng);
    this.likelihood = buildLikelihood(this.params, 'decoder.ar', config, shape);
    const discIn = k + (config.labels ? LABEL_SLOTS : 0);
    this.discriminator = new Mlp(this.params, 'discriminator', [discIn, ...config.discHidden, 1], config.activation, 'linear', rng);
    const named = (prefix: string) => this.params.names().filter((n) => n.startsWith(prefix));
    this.trainingSteps = [
      { name: 'recon', params: [...named('encoder.'), ...named('decoder.')], loss: (b, o) => this.reconLoss(b, o) },
      { name: 'disc', params: named('discriminator.'), loss: (b, o) => this.discLoss(b, o) },
      { name: 'gen', params: named('encoder.'), loss: (b, o) => this.genLoss(b, o) },
    ];
  }

  /** z of each image: h(x), or a reparameterized draw from q(z|x) = N(mean, exp(logVar)) with eps from `rng`. */
  encode(x: tf.Tensor2D, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.encoder.apply(x);
      if (!this.config.stochasticEncoder) return out;
      const [mean, logVar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const eps = tf.tensor2d(rng.fillNormal(new Float32Array(mean.size)), mean.shape);
      return reparameterize(mean, logVar, eps) as tf.Tensor2D;
    });
  }

  /** The deterministic code: h(x), or the mean of q(z|x). */
  encodeMean(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.encoder.apply(x);
      return this.config.stochasticEncoder ? tf.split(out, 2, 1)[0].clone() as tf.Tensor2D : out;
    });
  }

  decodeMean(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => decoderMean(this.decoder.apply(z, true), this.likelihood));
  }

  /** A draw x ~ p(x|z) for each code [rows * dim]. */
  decodeDraw(z: tf.Tensor2D, rng: Rng): Float32Array {
    return drawFromDecoder(() => this.decoder.apply(z, true), this.likelihood, rng);
  }

  /** n draws of the prior from `rng`, with the component each came from. */
  samplePrior(n: number, rng: Rng): PriorSample {
    return samplePrior(this.config.prior, n, this.latentDim, rng);
  }

  /** The discriminator's logit a, d(z) = sigmoid(a), per row [rows]; with labels, z goes in beside its one-hot. */
  discriminatorLogits(z: tf.Tensor2D, oneHot: tf.Tensor2D | null): tf.Tensor1D {
    return tf.tidy(() => {
      const input = oneHot ? (tf.concat([z, oneHot], 1) as tf.Tensor2D) : z;
      return tf.reshape(this.discriminator.apply(input, true), [-1]) as tf.Tensor1D;
    });
  }

  /** One-hot labels of the images [rows, K + 1]: a label < 0, or none at all, takes the spare unlabelled slot. */
  private codeOneHot(batch: Batch): tf.Tensor2D | null {
    if (!this.config.labels) return null;
    return tf.tidy(() => {
      const rows = batch.x.shape[0];
      const labels = batch.labels ? tf.cast(batch.labels, 'int32') : tf.fill([rows], -1, 'int32');
      const slots = tf.where(tf.less(labels, 0), tf.fill([rows], UNLABELLED, 'int32'), labels) as tf.Tensor1D;
      return tf.cast(tf.oneHot(slots, LABEL_SLOTS), 'float32') as tf.Tensor2D;
    });
  }

  /** Prior draws as tensors, one per image, with the one-hot of their component when labels are used. */
  private priorBatch(rows: number, rng: Rng): { z: tf.Tensor2D; oneHot: tf.Tensor2D | null } {
    const { z, component } = this.samplePrior(rows, rng);
    const zt = tf.tensor2d(z, [rows, this.latentDim]);
    if (!this.config.labels) return { z: zt, oneHot: null };
    return { z: zt, oneHot: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(component!, 'int32'), LABEL_SLOTS), 'float32') as tf.Tensor2D) };
  }

  private reconLoss(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const z = this.encode(batch.x, opts.rng);
      const recon = tf.neg(logLikelihood(this.decoder.apply(z, true), batch.x, this.likelihood)) as tf.Tensor1D;
      return { total: recon, recon };
    });
  }

  /** -log d(z_prior) - log(1 - d(z_code)) per pair of a prior draw and an image's code. */
  private discLoss(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const prior = this.priorBatch(batch.x.shape[0], opts.rng);
      const code = this.encode(batch.x, opts.rng);
      const disc = tf.add(tf.softplus(tf.neg(this.discriminatorLogits(prior.z, prior.oneHot))), tf.softplus(this.discriminatorLogits(code, this.codeOneHot(batch)))) as tf.Tensor1D;
      return { total: disc, disc };
    });
  }

  /** -log d(z_code): the encoder is rewarded for codes the discriminator takes for prior draws. */
  private genLoss(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const code = this.encode(batch.x, opts.rng);
      const gen = tf.softplus(tf.neg(this.discriminatorLogits(code, this.codeOneHot(batch)))) as tf.Tensor1D;
      return { total: gen, gen };
    });
  }

  /**
   * All three losses on one batch, for validation and evaluation; `total` is the reconstruction loss, the
   * autoencoder's own objective (the other two measure the game, not the fit).
   */
  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const { recon } = this.reconLoss(batch, opts);
      const { disc } = this.discLoss(batch, opts);
      const { gen } = this.genLoss(batch, opts);
      return { total: recon, recon, disc, gen };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
