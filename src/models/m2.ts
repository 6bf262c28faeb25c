import * as tf from '@tensorflow/tfjs';
import { allLabels, ConditionalMlp } from '../nn/conditional.js';
import { ImageShape } from '../nn/convNet.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { klStdNormal, reparameterize } from '../prob/gaussian.js';
import { monteCarloMean } from '../prob/estimators.js';
import { Rng, Stream } from '../rng.js';
import { ConditionalCodeModel, LabelCounts, M2Plan, MixedBatch, SemiSupervisedModel } from './labelled.js';
import { decoderMean, decoderOutputSize, logLikelihood, LikelihoodOptions } from './likelihood.js';
import { buildConditionalDecoder, buildConditionalEncoder, buildEncoder, ConditionalNetwork, Network } from './networks.js';
import { Batch, LossOptions, LossTerms } from './types.js';
import { drawEps, repeatRows } from './vae.js';
import { M2Config } from './m2Config.js';

export { M2_DEFAULTS } from './m2Config.js';
export type { M2Config } from './m2Config.js';

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
