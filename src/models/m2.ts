import * as tf from '@tensorflow/tfjs';
import { allLabels, ConditionalMlp } from '../nn/conditional.js';
import { ImageShape } from '../nn/convNet.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { klStdNormal, reparameterize } from '../prob/gaussian.js';
import { monteCarloMean } from '../prob/estimators.js';
import { Rng, Stream } from '../rng.js';
import { ConditionalCodeModel, LabelCounts, M2Plan, MixedBatch, SemiSupervisedModel, LabelSettings } from './labelled.js';
import { decoderMean, decoderOutputSize, logLikelihood, LikelihoodOptions } from './likelihood.js';
import { buildConditionalDecoder, buildConditionalEncoder, buildEncoder, ConditionalNetwork, Network } from './networks.js';
import { Batch, LossOptions, LossTerms } from './types.js';
import { drawEps, repeatRows } from './vae.js';
import { Activation } from '../nn/activations.js';
import { DecoderKind } from './decoders.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { M2_NETWORK_FIELDS, netFields, SEMI_SUPERVISED_FIELDS } from './labelFields.js';
import { autoencoderParameters, denseParameters, trunkSize } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Configuration of M2, the generative semi-supervised model of Kingma, Rezende, Mohamed & Welling 2014. */
export interface M2Config extends LabelSettings {
  kind: 'm2';
  /** Dimensions of z. Default 50 (as in the paper). */
  latentDim: number;
  /** Hidden layers of q(z|x,y); p(x|y,z) mirrors them. Default [500]. */
  hidden: number[];
  /** Hidden layers of the classifier q(y|x). Default [500]. */
  classifierHidden: number[];
  /** Nonlinearity of the hidden layers. Default 'softplus' (the paper's). */
  activation: Activation;
  /** Likelihood p(x|y,z). Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned log-variance ('gaussian-learned'). Default -6. */
  minLogVar: number;
  /** Number of labels y. Default 10. */
  classes: number;
  /**
   * Weight of the mean -log q(y|x) over the labelled images in the objective per image, J^alpha / N: the
   * paper's alpha divided by N (its objective sums the bounds over all N images). The paper's alpha = 0.1 N is
   * 0.1 here, as in the authors' code, which trained for 3000 epochs; 20 fits the labelled images within an
   * epoch or two (see labelFields.ts). Default 20.
   */
  alpha: number;
  /** Labelled training images, balanced per class (0: all). Default 100. */
  labelled: number;
  /** Labelled examples in every batch, beside batchSize unlabelled ones. Default 100. */
  labelledBatch: number;
  /**
   * mlp, or conv: strided convolutions on x before the dense layers of q(z|x,y) (`hidden`) and of q(y|x)
   * (`classifierHidden`), transposed ones after those of p(x|y,z) (see networks.ts). Default (and when absent,
   * as in checkpoints from before it) 'mlp'.
   */
  net?: NetKind;
  /** conv: channels of the convolutions. Default [32, 64]. */
  channels?: number[];
}

export const M2_DEFAULTS: M2Config = {
  kind: 'm2',
  latentDim: 50,
  hidden: [500],
  classifierHidden: [500],
  activation: 'softplus',
  decoder: 'bernoulli',
  sigma: 1,
  minLogVar: -6,
  classes: 10,
  alpha: 20,
  labelled: 100,
  labelledBatch: 100,
  ...NET_DEFAULTS,
};

const M2_FIELDS: FieldSpec[] = [
  ...M2_NETWORK_FIELDS,
  ...netFields(
    'networks: mlp (dense layers) or conv (strided convolutions on x, then the --hidden dense layers of q(z|x,y) and the --classifier-hidden ones of q(y|x); p(x|y,z) mirrors q(z|x,y) with transposed convolutions); conv trains on the portable engine only',
    'conv: channels of the convolutions of q(z|x,y), q(y|x) and (mirrored) p(x|y,z), each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64',
  ),
  ...SEMI_SUPERVISED_FIELDS,
];

function repeatLabels(labels: tf.Tensor1D, times: number): tf.Tensor1D {
  return times === 1 ? labels : tf.concat(new Array<tf.Tensor1D>(times).fill(labels), 0);
}

/** log q(y|x) at the given labels [batch]. */
function pickLogProbs(logProbs: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(logProbs, tf.oneHot(labels, logProbs.shape[1])), 1) as tf.Tensor1D;
}

/** Per-example parts of the labelled bound. */
export type LabelledBound = {
  /** L(x,y), the negative labelled bound, in nats. */
  bound: tf.Tensor1D;
  /** E_q(z|x,y)[-log p(x|y,z)]. */
  recon: tf.Tensor1D;
  /** KL(q(z|x,y) || p(z)). */
  kl: tf.Tensor1D;
};

/**
 * M2 (Kingma et al. 2014, sec. 2.2): p(y) uniform, p(z) = N(0, I), p(x|y,z) a neural likelihood; q(z|x,y)
 * Gaussian and q(y|x) a classifier. Works on any input of `inputDim` values: images (Bernoulli) or the
 * features of another model (Gaussian, as in M1+M2). The networks are the config's: MLPs, or (`net: 'conv'`,
 * images of `shape` only) convolutions on x in q(z|x,y) and q(y|x) and transposed ones in p(x|y,z).
 */
export class M2 implements SemiSupervisedModel, ConditionalCodeModel {
  readonly kind: string = 'm2';
  readonly params = new ParamStore();
  readonly latentDim: number;
  readonly numClasses: number;
  readonly prior = 'standard-normal';
  /**
   * Declared only when all three networks are MLPs, the shape the native kernels run (src/fastpath/m2.ts); a
   * conv M2 has none, so the engines train it through tfjs.
   */
  readonly m2Plan?: () => M2Plan;
  private readonly encoder: ConditionalNetwork;
  private readonly decoder: ConditionalNetwork;
  private readonly classifier: Network;
  private readonly likelihood: LikelihoodOptions;

  constructor(readonly config: M2Config, readonly inputDim: number, seed: number, shape?: ImageShape) {
    const rng = new Rng(seed, Stream.init);
    const k = config.latentDim;
    this.latentDim = k;
    this.numClasses = config.classes;
    this.likelihood = { decoder: config.decoder, sigma: config.sigma, minLogVar: config.minLogVar };
    const { net, channels, activation } = config;
    // Drawn in this order (encoder, decoder, classifier): an MLP M2 starts from the same weights as before conv existed.
    const encoder = buildConditionalEncoder(this.params, 'encoder', config, config.classes, inputDim, shape, 2 * k, rng);
    const outSize = decoderOutputSize(config.decoder, inputDim);
    const decoder = buildConditionalDecoder(this.params, 'decoder', config, config.classes, k, inputDim, shape, outSize, rng);
    const classifier = buildEncoder(this.params, 'classifier', { net, channels, activation, hidden: config.classifierHidden }, inputDim, shape, config.classes, 'linear', rng);
    [this.encoder, this.decoder, this.classifier] = [encoder, decoder, classifier];
    if (encoder instanceof ConditionalMlp && decoder instanceof ConditionalMlp && classifier instanceof Mlp) {
      this.m2Plan = () => ({
        inputDim, latentDim: k, numClasses: this.numClasses, alpha: config.alpha,
        encoder: encoder.layers, decoder: decoder.layers, classifier: classifier.layers, likelihood: this.likelihood,
      });
    }
  }

  get trainable(): ParamStore {
    return this.params;
  }

  classifierLogProbs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.logSoftmax(this.classifier.apply(x)) as tf.Tensor2D);
  }

  /** q(z|x,y) from the input's share of the encoder's first layer. */
  private encodeFromPart(part: tf.Tensor2D, labels: tf.Tensor1D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const [mean, logVar] = tf.split(this.encoder.applyFromPart(part, labels), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  }

  /**
   * L(x,y) = E_q(z|x,y)[-log p(x|y,z)] + KL(q(z|x,y) || N(0, I)) - log p(y), with p(y) = 1/K: the negative of
   * Kingma et al. 2014, eq. 6, with the KL in closed form (Kingma & Welling 2014, App. B).
   */
  private boundFromPart(part: tf.Tensor2D, x: tf.Tensor2D, labels: tf.Tensor1D, opts: LossOptions): LabelledBound {
    const numSamples = opts.numSamples;
    const { mean, logVar } = this.encodeFromPart(part, labels);
    const kl = klStdNormal(mean, logVar) as tf.Tensor1D;
    const eps = drawEps(opts.rng, numSamples * x.shape[0], this.latentDim);
    const z = reparameterize(repeatRows(mean, numSamples), repeatRows(logVar, numSamples), eps) as tf.Tensor2D;
    const out = this.decoder.apply(z, repeatLabels(labels, numSamples), true);
    const logLik = logLikelihood(out, repeatRows(x, numSamples), this.likelihood);
    const recon = tf.neg(monteCarloMean(logLik, numSamples)) as tf.Tensor1D;
    const bound = tf.add(tf.add(recon, kl), Math.log(this.numClasses)) as tf.Tensor1D;
    return { bound, recon, kl };
  }

  /** The labelled bound L(x,y) per example (eq. 6, negated). */
  labelledBound(x: tf.Tensor2D, labels: tf.Tensor1D, opts: LossOptions): LabelledBound {
    return tf.tidy(() => this.boundFromPart(this.encoder.inputPart(x, false), x, labels, opts));
  }

  /**
   * U(x) = sum_y q(y|x) L(x,y) - H(q(y|x)) (Kingma et al. 2014, eq. 7, negated), summed over every label
   * exactly. With log-probabilities from the log-softmax, q(y|x) L(x,y) - H = sum_y q(y|x) (L(x,y) + log q(y|x)),
   * which stays finite where q(y|x) underflows to 0.
   */
  unlabelledBound(x: tf.Tensor2D, opts: LossOptions): { bound: tf.Tensor1D; recon: tf.Tensor1D; kl: tf.Tensor1D; entropy: tf.Tensor1D } {
    return tf.tidy(() => {
      const rows = x.shape[0];
      const K = this.numClasses;
      // Label-major: rows c*batch .. (c+1)*batch - 1 carry label c. The input's share of the encoder (its conv
      // features and their product with the first layer's weights) is computed once for all K labels.
      const part = repeatRows(this.encoder.inputPart(x, false), K);
      const perLabel = this.boundFromPart(part, repeatRows(x, K), allLabels(K, rows), opts);
      const byExample = (t: tf.Tensor1D) => tf.transpose(tf.reshape(t, [K, rows])) as tf.Tensor2D; // [batch, K]
      const logQ = this.classifierLogProbs(x);
      const q = tf.exp(logQ);
      const expect = (t: tf.Tensor1D) => tf.sum(tf.mul(q, byExample(t)), 1) as tf.Tensor1D;
      const bound = tf.sum(tf.mul(q, tf.add(byExample(perLabel.bound), logQ)), 1) as tf.Tensor1D;
      const entropy = tf.neg(tf.sum(tf.mul(q, logQ), 1)) as tf.Tensor1D;
      return { bound, recon: expect(perLabel.recon), kl: expect(perLabel.kl), entropy };
    });
  }

  /** Labelled batch: total L(x,y) and the classifier's -log q(y|x); unlabelled: total U(x). */
  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy((): LossTerms => {
      if (batch.labels) {
        const { bound, recon, kl } = this.labelledBound(batch.x, batch.labels, opts);
        const classifier = tf.neg(pickLogProbs(this.classifierLogProbs(batch.x), batch.labels)) as tf.Tensor1D;
        return { total: bound, recon, kl, classifier };
      }
      const { bound, recon, kl, entropy } = this.unlabelledBound(batch.x, opts);
      return { total: bound, recon, kl, entropy };
    });
  }

  /**
   * One batch's estimate of J^alpha / N (Kingma et al. 2014, eq. 9): (N_l * mean L + N_u * mean U) / N +
   * (alpha / N) * mean -log q(y|x) over the labelled part, with alpha = config.alpha * N.
   */
  semiSupervisedLoss(batch: MixedBatch, counts: LabelCounts, opts: LossOptions): { total: tf.Scalar } & Record<string, tf.Scalar> {
    return tf.tidy(() => {
      const n = counts.labelled + counts.unlabelled;
      const out: Record<string, tf.Scalar> = {};
      let total = tf.scalar(0);
      if (batch.labelled) {
        const { x, labels } = batch.labelled;
        const labelled = tf.mean(this.labelledBound(x, labels, opts).bound) as tf.Scalar;
        const classifier = tf.neg(tf.mean(pickLogProbs(this.classifierLogProbs(x), labels))) as tf.Scalar;
        total = tf.add(total, tf.add(tf.mul(labelled, counts.labelled / n), tf.mul(classifier, this.config.alpha))) as tf.Scalar;
        Object.assign(out, { labelled, classifier });
      }
      if (batch.unlabelled) {
        const unlabelled = tf.mean(this.unlabelledBound(batch.unlabelled, opts).bound) as tf.Scalar;
        total = tf.add(total, tf.mul(unlabelled, counts.unlabelled / n)) as tf.Scalar;
        out.unlabelled = unlabelled;
      }
      return { total, ...out };
    });
  }

  encodeMeanGiven(x: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => this.encodeFromPart(this.encoder.inputPart(x, false), labels).mean.clone());
  }

  decodeMeanGiven(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => decoderMean(this.decoder.apply(z, labels, true), this.likelihood));
  }

  dispose(): void {
    this.params.dispose();
  }
}

export const M2_KIND: ModelKindSpec<M2Config> = {
  kind: 'm2',
  title: 'M2',
  description: 'M2 semi-supervised VAE: q(y|x), q(z|x,y), p(x|y,z) on partly labelled data (Kingma et al. 2014)',
  defaults: M2_DEFAULTS,
  fields: M2_FIELDS,
  trainer: 'semi-supervised',
  objective: '-J/N',
  create: (config, inputDim, seed, shape) => new M2(config, inputDim, seed, shape),
  size: (config, shape) => {
    const trunk = trunkSize(config, shape);
    const classifier = trunk.parameters + denseParameters([trunk.features, ...config.classifierHidden, config.classes]);
    return { parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim, config.classes) + classifier };
  },
  nativeKernels: { scores: false },
};
