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
import { pickM2Settings } from './m2Config.js';

export { M1M2_DEFAULTS } from './m1m2Config.js';
export type { M1M2Config } from './m1m2Config.js';

/** Names of each stage's parameters inside the model's one store (and so in its checkpoint). */
export const STAGE_PREFIXES = { first: 'm1/', second: 'm2/' } as const;

/** The store's name of the 0/1 mask over z1 that featureMinStd sets: in neither stage, so no optimizer moves it. */
export const FEATURE_MASK = 'features/mask';

/** Training images whose codes choose the active units (as Kingma et al.'s code, x_u[0:1000]). */
export const ACTIVE_UNIT_IMAGES = 1000;

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
  /** Stage 1's batch size, when it has its own. */
  readonly firstBatchSize?: number;
  /** Called once when stage 2 starts, with the images (row after row) the model may fit settings to. */
  beforeSecondStage?(x: Float32Array, rows: number): void;
}

/** 1 for each column of `values` [rows, cols] whose (population) standard deviation exceeds `minStd`, else 0. */
export function activeUnits(values: ArrayLike<number>, rows: number, cols: number, minStd: number): Float32Array {
  const out = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += values[i * cols + j];
    const mean = sum / rows;
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += (values[i * cols + j] - mean) ** 2;
    out[j] = Math.sqrt(squares / rows) > minStd ? 1 : 0;
  }
  return out;
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
  readonly firstBatchSize?: number;
  /** With featureMinStd: 1 for the dimensions of z1 that M2 sees, 0 for those held at 0. */
  private readonly featureMask: tf.Variable | null = null;
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
    const m2: M2Config = { kind: 'm2', net: 'mlp', ...pickM2Settings(config) };
    // Its own seed, so the two networks do not start from the same draws.
    this.second = new M2(m2, config.m1Latent, hashInts(seed, 2));
    this.numClasses = config.classes;
    this.latentDim = config.latentDim;
    this.firstEpochs = config.m1Epochs;
    if ((config.m1BatchSize ?? 0) > 0) this.firstBatchSize = config.m1BatchSize;
    // The stages' variables, shared (not copied) under prefixed names.
    for (const [prefix, store] of [[STAGE_PREFIXES.first, this.first.params], [STAGE_PREFIXES.second, this.second.params]] as const) {
      for (const [name, v] of store.vars) this.params.vars.set(prefix + name, v);
    }
    // Every dimension kept until stage 2 starts and chooses (beforeSecondStage).
    if ((config.featureMinStd ?? 0) > 0) this.featureMask = this.params.add(FEATURE_MASK, tf.ones([config.m1Latent]));
    const m2Plan = this.second.m2Plan;
    if (first instanceof Vae && m2Plan) {
      // M2's plan on the features of M1's encoder, M1 fixed.
      this.m2Plan = () => {
        const plan = first.mlpVaePlan();
        const mask = this.featureMask ? (this.featureMask.dataSync().slice() as Float32Array) : null;
        const features = { encoder: plan.encoder, latentDim: plan.latentDim, values: first.params.snapshot(), sample: config.features === 'sample', mask };
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
    const mask = this.featureMask;
    if (!rng || this.config.features === 'mean') return mask ? tf.tidy(() => tf.mul(this.first.encodeMean(x), mask) as tf.Tensor2D) : this.first.encodeMean(x);
    return tf.tidy(() => {
      const { mean, logVar } = this.first.encode(x);
      const z1 = reparameterize(mean, logVar, drawEps(rng, x.shape[0], this.first.latentDim)) as tf.Tensor2D;
      return mask ? (tf.mul(z1, mask) as tf.Tensor2D) : z1;
    });
  }

  /**
   * With featureMinStd, chooses M1's active units (Kingma et al.'s code, learn_yz_x_ss.py: the standard
   * deviation over images of the posterior mean above 0.1; Burda et al. 2016 call a unit active by the same
   * statistic, its variance above 0.01): from the mean of q(z1|x) on the first ACTIVE_UNIT_IMAGES of `x`.
   * M1 is fixed from here on, so running this again gives the same mask.
   */
  beforeSecondStage(x: Float32Array, rows: number): void {
    const mask = this.featureMask;
    if (!mask) return;
    const n = Math.min(rows, ACTIVE_UNIT_IMAGES);
    const means = tf.tidy(() => this.first.encodeMean(tf.tensor2d(x.subarray(0, n * this.inputDim), [n, this.inputDim])).dataSync());
    mask.assign(tf.tensor1d(activeUnits(means, n, this.config.m1Latent, this.config.featureMinStd ?? 0)));
  }

  /** How many dimensions of z1 M2 sees. */
  get activeFeatures(): number {
    return this.featureMask ? Array.from(this.featureMask.dataSync()).reduce((a, v) => a + v, 0) : this.config.m1Latent;
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
