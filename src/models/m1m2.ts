import * as tf from '@tensorflow/tfjs';
import { ImageShape } from '../nn/convNet.js';
import { ParamStore } from '../nn/params.js';
import { reparameterize } from '../prob/gaussian.js';
import { hashInts, Rng } from '../rng.js';
import { ConditionalCodeModel, LabelCounts, M2Plan, MixedBatch, SemiSupervisedModel, LabelSettings } from './labelled.js';
import { M2, M2Config } from './m2.js';
import { Batch, LossOptions, LossTerms, Model } from './types.js';
import { createVae, drawEps, Vae, VaeConfig } from './vae.js';
import { Activation } from '../nn/activations.js';
import { DecoderKind } from './decoders.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { M2_NETWORK_FIELDS, netFields, SEMI_SUPERVISED_FIELDS } from './labelFields.js';
import { autoencoderParameters, denseParameters } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Configuration of M1+M2 (Kingma et al. 2014, sec. 2.3): M2 trained on the features of a VAE, M1. */
export interface M1M2Config extends LabelSettings {
  kind: 'm1m2';
  /** Dimensions of M1's latent z1, the features M2 sees. Default 50. */
  m1Latent: number;
  /** Hidden layers of M1's encoder (its decoder mirrors them). Default [600, 600] (the paper's). */
  m1Hidden: number[];
  /** Epochs of stage 1 (M1 on every training image); the run's remaining epochs train M2. Default 10. */
  m1Epochs: number;
  /**
   * What M2 trains on: 'sample' draws z1 from q(z1|x) afresh each step (Kingma et al.'s code, nips14-ssl),
   * 'mean' takes its mean. Classification always takes the mean. Default 'sample'.
   */
  features: 'sample' | 'mean';
  /** Dimensions of M2's z2. Default 50. */
  latentDim: number;
  /** Hidden layers of M2's q(z2|z1,y); p(z1|y,z2) mirrors them. Default [500]. */
  hidden: number[];
  /** Hidden layers of the classifier q(y|z1). Default [500]. */
  classifierHidden: number[];
  /** Nonlinearity of every hidden layer. Default 'softplus'. */
  activation: Activation;
  /** M2's likelihood of the features p(z1|y,z2). Default 'gaussian-learned'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned log-variance. Default -6. */
  minLogVar: number;
  /** Number of labels y. Default 10. */
  classes: number;
  /** M2's weight of the classification term, as M2Config.alpha. Default 20. */
  alpha: number;
  /** Labelled training images, balanced per class (0: all). Default 100. */
  labelled: number;
  /** Labelled examples in every batch. Default 100. */
  labelledBatch: number;
  /**
   * M1's networks: mlp, or conv (strided convolutions before the dense layers `m1Hidden`, transposed ones in
   * its decoder). M2 stays an MLP: it models M1's feature vectors, not images. Default (and when absent) 'mlp'.
   */
  net?: NetKind;
  /** conv: channels of M1's convolutions. Default [32, 64]. */
  channels?: number[];
}

export const M1M2_DEFAULTS: M1M2Config = {
  kind: 'm1m2',
  m1Latent: 50,
  m1Hidden: [600, 600],
  m1Epochs: 10,
  features: 'sample',
  latentDim: 50,
  hidden: [500],
  classifierHidden: [500],
  activation: 'softplus',
  decoder: 'gaussian-learned',
  sigma: 1,
  minLogVar: -6,
  classes: 10,
  alpha: 20,
  labelled: 100,
  labelledBatch: 100,
  ...NET_DEFAULTS,
};

const M1M2_FIELDS: FieldSpec[] = [
  { key: 'm1Latent', flag: 'm1-latent', help: 'dimensions of M1\'s latent z1: the features M2 models', type: { type: 'int', min: 1 } },
  { key: 'm1Hidden', flag: 'm1-hidden', help: 'hidden layer sizes of M1\'s encoder; its decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'm1Epochs', flag: 'm1-epochs', help: 'epochs of stage 1 (M1 on every training image), counted in --epochs; the rest train M2', type: { type: 'int', min: 0 } },
  { key: 'features', flag: 'features', help: 'what M2 trains on: a fresh draw from M1\'s q(z1|x) each step (sample, as Kingma et al.\'s code) or its mean; classification always uses the mean', type: { type: 'enum', choices: ['sample', 'mean'] } },
  ...netFields(
    'M1\'s networks: mlp (dense layers) or conv (strided convolutions, then the --m1-hidden dense layers; its decoder mirrors them with transposed convolutions); M2 stays an MLP on M1\'s features either way; conv trains on the portable engine only',
    'conv: channels of M1\'s convolutions, each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64',
  ),
  ...M2_NETWORK_FIELDS.map((f) => ({ ...f, help: `M2: ${f.help.replace('p(x|y,z)', 'p(z1|y,z)').replace('q(z|x,y)', 'q(z|z1,y)')}` })),
  ...SEMI_SUPERVISED_FIELDS,
];

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

export const M1M2_KIND: ModelKindSpec<M1M2Config> = {
  kind: 'm1m2',
  title: 'M1+M2',
  description: 'M1+M2: a VAE (M1) trained on all images, then M2 on its features; one checkpoint classifies raw images (Kingma et al. 2014)',
  defaults: M1M2_DEFAULTS,
  fields: M1M2_FIELDS,
  trainer: 'two-stage',
  objective: '-J/N',
  create: (config, inputDim, seed, shape) => new M1M2(config, inputDim, seed, shape),
  size: (config, shape) => {
    const m1 = autoencoderParameters({ ...config, hidden: config.m1Hidden }, shape, 2 * config.m1Latent, config.m1Latent);
    // M2 models M1's features, a vector of m1Latent values, with dense layers only.
    const features: ImageShape = [1, 1, config.m1Latent];
    const m2 = autoencoderParameters({ hidden: config.hidden }, features, 2 * config.latentDim, config.latentDim, config.classes);
    return { parameters: m1 + m2 + denseParameters([config.m1Latent, ...config.classifierHidden, config.classes]) };
  },
  nativeKernels: { scores: false },
  // M2's decoder models M1's codes, not the images: no figure per pixel.
  decoderModels: 'features',
};
