import * as tf from '@tensorflow/tfjs';
import { ImageShape } from '../nn/convNet.js';
import { ParamStore } from '../nn/params.js';
import { reparameterize } from '../prob/gaussian.js';
import { hashInts, Rng } from '../rng.js';
import { ConditionalCodeModel, LabelCounts, M2Plan, MixedBatch, SemiSupervisedModel } from './labelled.js';
import { M2, M2Config } from './m2.js';
import { Batch, LossOptions, LossTerms, Model } from './types.js';
import { createVae, drawEps, Vae, VaeConfig } from './vae.js';
import { M1M2Config } from './m1m2Config.js';

export { M1M2_DEFAULTS } from './m1m2Config.js';
export type { M1M2Config } from './m1m2Config.js';

/** Names of each stage's parameters inside the model's one store (and so in its checkpoint). */
export const STAGE_PREFIXES = { first: 'm1/', second: 'm2/' } as const;

/**
 * A model trained in two declared stages by the 'two-stage' trainer: `first` unsupervised on every training
 * image (the standard trainer), then the whole model semi-supervised with only the second stage's
 * parameters (`trainable`) moving.
 */
export interface TwoStageModel extends SemiSupervisedModel {
  readonly first: Model;
  readonly second: Model;
  /** How many of the run's epochs stage 1 takes. */
  readonly firstEpochs: number;
}

export function isTwoStageModel(m: Model): m is TwoStageModel {
  const t = m as Partial<TwoStageModel>;
  return typeof t.firstEpochs === 'number' && t.first !== undefined && t.second !== undefined;
}

/**
 * M1+M2: features z1 = the mean of M1's q(z1|x); M2 (with a Gaussian likelihood) models them with the labels;
 * q(y|x) = M2's q(y|z1). One store holds both parameter sets (`m1/...`, `m2/...`), so one checkpoint
 * classifies raw images. M1 is an MLP or (`net: 'conv'`, images of `shape`) a conv VAE; M2 is an MLP.
 */
export class M1M2 implements TwoStageModel, ConditionalCodeModel {
  readonly kind = 'm1m2';
  readonly params = new ParamStore();
  readonly numClasses: number;
  /** Dimensions of M2's z2, the code the label views decode from. */
  readonly latentDim: number;
  readonly prior = 'standard-normal';
  readonly first: ReturnType<typeof createVae>;
  readonly second: M2;
  readonly firstEpochs: number;
  /**
   * Declared only with an MLP M1, whose encoder the native kernels run to make M2's features
   * (src/fastpath/m2.ts); with a conv M1 the engines train both stages through tfjs.
   */
  readonly m2Plan?: () => M2Plan;

  constructor(readonly config: M1M2Config, readonly inputDim: number, seed: number, shape?: ImageShape) {
    const { net, channels } = config;
    const m1: VaeConfig = { kind: 'vae', latentDim: config.m1Latent, hidden: config.m1Hidden, activation: config.activation, decoder: 'bernoulli', sigma: 1, minLogVar: -6, net, channels };
    const first = createVae(m1, inputDim, seed, shape);
    this.first = first;
    const { latentDim, hidden, classifierHidden, activation, decoder, sigma, minLogVar, classes, alpha, labelled, labelledBatch } = config;
    const m2: M2Config = { kind: 'm2', net: 'mlp', latentDim, hidden, classifierHidden, activation, decoder, sigma, minLogVar, classes, alpha, labelled, labelledBatch };
    // Its own seed, so the two networks do not start from the same draws.
    this.second = new M2(m2, config.m1Latent, hashInts(seed, 2));
    this.numClasses = config.classes;
    this.latentDim = config.latentDim;
    this.firstEpochs = config.m1Epochs;
    // The stages' variables, shared (not copied) under prefixed names.
    for (const [prefix, store] of [[STAGE_PREFIXES.first, this.first.params], [STAGE_PREFIXES.second, this.second.params]] as const) {
      for (const [name, v] of store.vars) this.params.vars.set(prefix + name, v);
    }
    const m2Plan = this.second.m2Plan;
    if (first instanceof Vae && m2Plan) {
      // M2's plan on the features of M1's encoder, M1 fixed.
      this.m2Plan = () => {
        const plan = first.mlpVaePlan();
        const features = { encoder: plan.encoder, latentDim: plan.latentDim, values: first.params.snapshot(), sample: config.features === 'sample' };
        return { ...m2Plan(), features };
      };
    }
  }

  get trainable(): ParamStore {
    return this.second.params;
  }

  /**
   * z1: the mean of M1's q(z1|x) (Kingma et al. 2014, sec. 2.3 use M1's posterior as M2's data), or with
   * `rng` and features 'sample', a draw z1 = mean + exp(logVar / 2) eps. Stage 2 differentiates only M2's
   * parameters, so autodiff prunes this path from the backward pass.
   */
  features(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
    if (!rng || this.config.features === 'mean') return this.first.encodeMean(x);
    return tf.tidy(() => {
      const { mean, logVar } = this.first.encode(x);
      return reparameterize(mean, logVar, drawEps(rng, x.shape[0], this.first.latentDim)) as tf.Tensor2D;
    });
  }

  classifierLogProbs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.second.classifierLogProbs(this.features(x)));
  }

  /** M2's terms on the features. */
  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => this.second.lossTerms({ x: this.features(batch.x), labels: batch.labels }, opts));
  }

  semiSupervisedLoss(batch: MixedBatch, counts: LabelCounts, opts: LossOptions): { total: tf.Scalar } & Record<string, tf.Scalar> {
    return tf.tidy(() => {
      const onFeatures: MixedBatch = {};
      // Drawn before M2's own eps, labelled rows first: the fast path draws in the same order.
      if (batch.labelled) onFeatures.labelled = { x: this.features(batch.labelled.x, opts.rng), labels: batch.labelled.labels };
      if (batch.unlabelled) onFeatures.unlabelled = this.features(batch.unlabelled, opts.rng);
      return this.second.semiSupervisedLoss(onFeatures, counts, opts);
    });
  }

  /** The mean of M2's q(z2|z1,y) at M1's features z1 = the mean of q(z1|x). */
  encodeMeanGiven(x: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => this.second.encodeMeanGiven(this.features(x), labels));
  }

  /** The generative path with means: z2 -> the mean of p(z1|y,z2) -> the mean of M1's p(x|z1). */
  decodeMeanGiven(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => this.first.decodeMean(this.second.decodeMeanGiven(z, labels)));
  }

  dispose(): void {
    this.params.vars.clear();
    this.first.dispose();
    this.second.dispose();
  }
}
