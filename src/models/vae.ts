import * as tf from '@tensorflow/tfjs';
import { ImageShape } from '../nn/convNet.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { logNormal, reparameterize } from '../prob/gaussian.js';
import { logMeanExp, monteCarloMean, scaleGradient, stopGradient } from '../prob/estimators.js';
import { Rng, Stream } from '../rng.js';
import { decoderMean, drawFromDecoder, decoderOutputSize, isKernelDecoder, KERNEL_DECODERS, logLikelihood, LikelihoodOptions, buildLikelihood } from './likelihood.js';
import { LatentPrior, StandardNormalPrior } from './latentPrior.js';
import { buildDecoder, buildEncoder, Network } from './networks.js';
import { Batch, CodeModel, LatentVariableModel, LossOptions, LossTerms, MlpVaePlan } from './types.js';
import { DEFAULT_PSEUDO_INPUTS, VaeConfig } from './vaeConfig.js';
import { VampPrior } from './vampPrior.js';

export { VAE_DEFAULTS } from './vaeConfig.js';
export type { VaeConfig } from './vaeConfig.js';

/** Draws eps ~ N(0, I) of the given shape from an explicit stream. */
export function drawEps(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(rng.fillNormal(new Float32Array(rows * cols)), [rows, cols]);
}

/**
 * Repeats a [batch, d] tensor `times` times along the first axis (sample-major). Written as a concat: on the
 * wasm backend tf.tile is ~18x slower for the same copy (930 ms against 51 ms for 200 copies of 100x784).
 */
export function repeatRows(t: tf.Tensor2D, times: number): tf.Tensor2D {
  return times === 1 ? t : tf.concat(new Array<tf.Tensor2D>(times).fill(t), 0);
}

/**
 * Gaussian encoder q(z|x) = N(mean, diag(exp(logVar))), prior p(z), decoder p(x|z), trained on the
 * negative ELBO = E_q[-log p(x|z)] + beta * KL(q(z|x) || p(z)) with L Monte Carlo samples of z, or on the
 * negative IWAE bound of K samples (train.objective iwae). The networks are the config's (MLP or conv); `Vae`
 * and `ConvVae` below fix which. The prior is the config's: N(0, I), or the VampPrior (src/models/vampPrior.ts).
 * It enters in two places, both through `latentPrior`: the KL (`kl`) and log p(z) in the importance weights
 * and the IWAE bound (`logPrior`).
 */
abstract class GaussianVae implements LatentVariableModel {
  // Typed wide so that a kind built on the VAE (a model file of one's own) can name itself and its prior.
  readonly kind: string = 'vae';
  readonly params = new ParamStore();
  readonly latentDim: number;
  readonly prior: CodeModel['prior'];
  /** p(z): its log-density, its closed-form KL where it has one, its draws. */
  readonly latentPrior: LatentPrior;
  protected readonly encoder: Network;
  protected readonly decoder: Network;
  protected readonly likelihood: LikelihoodOptions;

  constructor(readonly config: VaeConfig, readonly inputDim: number, seed: number, shape?: ImageShape) {
    const rng = new Rng(seed, Stream.init);
    const k = config.latentDim;
    this.latentDim = k;
    // Both heads (mean and logVar) come out of one layer of width 2k, split afterwards.
    this.encoder = buildEncoder(this.params, 'encoder', config, inputDim, shape, 2 * k, 'linear', rng);
    this.decoder = buildDecoder(this.params, 'decoder', config, k, inputDim, shape, decoderOutputSize(config.decoder, inputDim), rng);
    this.likelihood = buildLikelihood(this.params, 'decoder.ar', config, shape);
    // Drawn after the networks, so a VampPrior model starts from the same networks as a standard one.
    const vamp = config.prior === 'vamp';
    this.latentPrior = vamp
      ? new VampPrior(this.params, 'prior', config.pseudoInputs ?? DEFAULT_PSEUDO_INPUTS, inputDim, k, (u, inputGrad) => this.encode(u, inputGrad), rng)
      : new StandardNormalPrior(k);
    this.prior = vamp ? 'learned' : 'standard-normal';
  }

  /** q(z|x); `inputGrad` when x is trained (the VampPrior's pseudo-inputs), not data. */
  encode(x: tf.Tensor2D, inputGrad = false): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const [mean, logVar] = tf.split(this.encoder.apply(x, inputGrad), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  }

  /** log p(z) of the model's prior per row of z [rows, latentDim]. */
  logPrior(z: tf.Tensor2D): tf.Tensor1D {
    return this.latentPrior.logDensity(z);
  }

  /**
   * KL(q(z|x) || p(z)) per example: in closed form where the prior has one (N(0, I)), else by Monte Carlo over
   * the L draws z [L * batch] of q(z|x) = N(meanK, exp(logVarK)) (rows repeated sample-major), E_q[log q(z|x) -
   * log p(z)] (Tomczak & Welling 2018, sec. 3), with the draws the reconstruction term uses.
   */
  kl(mean: tf.Tensor2D, logVar: tf.Tensor2D, z: tf.Tensor2D, meanK: tf.Tensor2D, logVarK: tf.Tensor2D, numSamples: number): tf.Tensor1D {
    return tf.tidy(() => {
      const closed = this.latentPrior.klClosedForm(mean, logVar);
      if (closed) return closed;
      return monteCarloMean(tf.sub(logNormal(z, meanK, logVarK), this.logPrior(z)), numSamples) as tf.Tensor1D;
    });
  }

  /** n codes z ~ p(z) [n * latentDim], drawn from `rng` alone: what `sample` decodes. */
  samplePriorCodes(n: number, rng: Rng): Float32Array {
    return this.latentPrior.sample(n, rng);
  }

  /** The code of x: the mean of q(z|x). */
  encodeMean(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.encode(x).mean.clone());
  }

  /** The decoder's raw output: logits, or Gaussian means (and log-variances). */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.apply(z, true);
  }

  decodeMean(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => decoderMean(this.decode(z), this.likelihood));
  }

  /** A draw x ~ p(x|z) for each code [rows * dim]. */
  decodeDraw(z: tf.Tensor2D, rng: Rng): Float32Array {
    return drawFromDecoder(() => this.decode(z), this.likelihood, rng);
  }

  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    if ((opts.objective ?? 'elbo') !== 'iwae') return this.elboTerms(batch.x, opts);
    return (opts.estimator ?? 'standard') === 'dreg' ? this.dregTerms(batch.x, opts) : this.iwaeTerms(batch.x, opts);
  }

  /** The negative ELBO with L samples of z and the analytic KL. */
  private elboTerms(x: tf.Tensor2D, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const numSamples = opts.numSamples;
      const { mean, logVar } = this.encode(x);
      const meanK = repeatRows(mean, numSamples);
      const logVarK = repeatRows(logVar, numSamples);
      const eps = drawEps(opts.rng, numSamples * x.shape[0], this.latentDim);
      const z = reparameterize(meanK, logVarK, eps) as tf.Tensor2D;
      const kl = this.kl(mean, logVar, z, meanK, logVarK, numSamples);
      const logLik = logLikelihood(this.decode(z), repeatRows(x, numSamples), this.likelihood);
      const recon = tf.neg(monteCarloMean(logLik, numSamples)) as tf.Tensor1D;
      const total = tf.add(recon, tf.mul(kl, opts.beta)) as tf.Tensor1D;
      return { total, recon, kl };
    });
  }

  /**
   * The negative importance-weighted bound of K = numSamples draws (Burda, Grosse & Salakhutdinov 2016, eq. 8):
   * total = -log (1/K) sum_k w_k, log w_k = log p(x|z_k) + beta * (log p(z_k) - log q(z_k|x)); beta = 1 is the
   * IWAE, K = 1 the ELBO with a one-draw KL. recon and kl are the ELBO's terms on the same draws, for the log.
   */
  private iwaeTerms(x: tf.Tensor2D, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const { logLik, logPrior, logQ } = this.sampledTerms(x, opts.numSamples, opts.rng);
      const klDraws = tf.sub(logQ, logPrior);
      const logW = tf.reshape(tf.sub(logLik, tf.mul(klDraws, opts.beta)), [opts.numSamples, x.shape[0]]);
      const total = tf.neg(logMeanExp(logW, 0)) as tf.Tensor1D;
      const recon = tf.neg(monteCarloMean(logLik, opts.numSamples)) as tf.Tensor1D;
      const kl = monteCarloMean(klDraws, opts.numSamples) as tf.Tensor1D;
      return { total, recon, kl };
    });
  }

  /**
   * The negative IWAE bound of iwaeTerms, its value and its decoder (and prior) gradient unchanged, with the doubly
   * reparameterized gradient by the encoder (DReG; Tucker, Lawson, Gu & Maddison 2019, eq. 5/6): only the path
   * derivative through each z_i, weighed w~_i^2 at beta 1, and no score term. With a KL weight beta, draw i's
   * path weight is w~_i * (1 - beta + beta * w~_i) (src/fastpath/iwae.ts, dregFactor, says why).
   * The surrogate: a first pass gives the bound and the stopped weights w~; the second decodes z' = z, whose
   * gradient each draw scales by 1 - beta + beta * w~_i, with log q evaluated at q's stopped parameters, and
   * -(sum_i w~_i log w'_i) per row is added to the value with its own value taken off. The first pass's
   * backward carries zeros only: the price of tfjs's having no stop_gradient that cuts the tape.
   */
  private dregTerms(x: tf.Tensor2D, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const { numSamples: samples, beta } = opts;
      const rows = x.shape[0];
      const { mean, logVar } = this.encode(x);
      const meanK = repeatRows(mean, samples);
      const logVarK = repeatRows(logVar, samples);
      const xK = repeatRows(x, samples);
      const z = reparameterize(meanK, logVarK, drawEps(opts.rng, samples * rows, this.latentDim)) as tf.Tensor2D;
      const logLik = logLikelihood(this.decode(z), xK, this.likelihood) as tf.Tensor1D;
      const klDraws = tf.sub(logNormal(z, meanK, logVarK), this.logPrior(z));
      const logW = tf.reshape(tf.sub(logLik, tf.mul(klDraws, beta)), [samples, rows]);
      const bound = stopGradient(logMeanExp(logW, 0));
      const weights = stopGradient(tf.exp(tf.sub(logW, tf.logSumExp(logW, 0, true))));
      const factor = tf.reshape(tf.add(1 - beta, tf.mul(weights, beta)), [samples * rows, 1]) as tf.Tensor2D;
      const zPath = scaleGradient(z, factor);
      const logQPath = logNormal(zPath, stopGradient(meanK), stopGradient(logVarK));
      const logWPath = tf.add(logLikelihood(this.decode(zPath), xK, this.likelihood), tf.mul(tf.sub(this.logPrior(zPath), logQPath), beta));
      const surrogate = tf.neg(tf.sum(tf.mul(weights, tf.reshape(logWPath, [samples, rows])), 0));
      const total = tf.add(tf.neg(bound), tf.sub(surrogate, stopGradient(surrogate))) as tf.Tensor1D;
      const recon = tf.neg(monteCarloMean(logLik, samples)) as tf.Tensor1D;
      const kl = monteCarloMean(klDraws, samples) as tf.Tensor1D;
      return { total, recon, kl };
    });
  }

  /**
   * For draws z_k = mean + sigma * eps_k of q(z|x), sample-major [numSamples * rows]: log p(x|z_k), log p(z_k)
   * and log q(z_k|x).
   */
  private sampledTerms(x: tf.Tensor2D, numSamples: number, rng: Rng): { logLik: tf.Tensor1D; logPrior: tf.Tensor1D; logQ: tf.Tensor1D } {
    const { mean, logVar } = this.encode(x);
    const meanK = repeatRows(mean, numSamples);
    const logVarK = repeatRows(logVar, numSamples);
    const z = reparameterize(meanK, logVarK, drawEps(rng, numSamples * x.shape[0], this.latentDim)) as tf.Tensor2D;
    const logLik = logLikelihood(this.decode(z), repeatRows(x, numSamples), this.likelihood) as tf.Tensor1D;
    return { logLik, logPrior: this.logPrior(z), logQ: logNormal(z, meanK, logVarK) as tf.Tensor1D };
  }

  importanceLogWeights(x: tf.Tensor2D, numSamples: number, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const { logLik, logPrior, logQ } = this.sampledTerms(x, numSamples, rng);
      return tf.reshape(tf.sub(tf.add(logLik, logPrior), logQ), [numSamples, x.shape[0]]) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}

/**
 * Whether the hand-fused MLP VAE kernels (src/fastpath/mlpVae.ts) run this config's loss: MLP networks and a
 * decoder they implement (either prior: N(0, I) or the VampPrior).
 */
function fusedKernelsRun(config: VaeConfig): boolean {
  return (config.net ?? 'mlp') === 'mlp' && isKernelDecoder(config.decoder);
}

/** The VAE with MLP encoder and decoder: it describes itself as plain layers, so a fast path can train it. */
export class Vae extends GaussianVae {
  constructor(config: VaeConfig, inputDim: number, seed: number) {
    if ((config.net ?? 'mlp') !== 'mlp') throw new Error(`Vae is the MLP VAE; build a net "${config.net}" VAE with createVae`);
    if (!isKernelDecoder(config.decoder)) throw new Error(`Vae offers the fast path, whose decoders are ${KERNEL_DECODERS.join(', ')}; build a ${config.decoder} VAE with createVae`);
    super(config, inputDim, seed);
  }

  mlpVaePlan(): MlpVaePlan {
    const prior = this.latentPrior;
    const vamp = prior instanceof VampPrior ? { vamp: { pseudoInputs: prior.paramName, count: prior.count } } : {};
    return { inputDim: this.inputDim, latentDim: this.latentDim, encoder: (this.encoder as Mlp).layers, decoder: (this.decoder as Mlp).layers, likelihood: this.likelihood, ...vamp };
  }
}

/** The VAE with conv encoder and decoder. It offers no mlpVaePlan, so the engines train it through tfjs. */
export class ConvVae extends GaussianVae {
  constructor(config: VaeConfig, inputDim: number, seed: number, shape: ImageShape | undefined) {
    if (config.net !== 'conv') throw new Error(`ConvVae needs net "conv", got ${JSON.stringify(config.net)}`);
    super(config, inputDim, seed, shape);
  }
}

/**
 * The MLP VAE with a decoder the native kernels lack (discretized-logistic, gaussian-ar). It offers no
 * mlpVaePlan, so the engines train and score it through tfjs.
 */
export class PortableMlpVae extends GaussianVae {
  constructor(config: VaeConfig, inputDim: number, seed: number, shape?: ImageShape) {
    if ((config.net ?? 'mlp') !== 'mlp') throw new Error(`PortableMlpVae is an MLP VAE; build a net "${config.net}" VAE with createVae`);
    super(config, inputDim, seed, shape);
  }
}

/**
 * The VAE its config asks for: `Vae` for net mlp (`PortableMlpVae` when the decoder is not one the
 * native kernels run), `ConvVae` (which needs the image shape) for net conv.
 */
export function createVae(config: VaeConfig, inputDim: number, seed: number, shape?: ImageShape): Vae | ConvVae | PortableMlpVae {
  if (config.net === 'conv') return new ConvVae(config, inputDim, seed, shape);
  return fusedKernelsRun(config) ? new Vae(config, inputDim, seed) : new PortableMlpVae(config, inputDim, seed, shape);
}
