import type { Estimator, Objective } from '../config/train.js';
import { DECODERS } from '../models/likelihood.js';
import { MlpVaePlan } from '../models/types.js';
import { addEntropyGrad, addPathEntropyGrad, addPriorGrad, dregWeights, iwaeForward, reweighPathGrad, weighDecoderGrad } from './iwae.js';
import { Kernels } from './kernels.js';
import { LayersOnKernels } from './mlp.js';

/** Batch means of the loss terms, named as the model's lossTerms names them. */
export interface LossMeans {
  total: number;
  recon: number;
  kl: number;
}

/**
 * The MLP VAE of src/models/vae.ts run on a set of kernels instead of tfjs: the same layers, the same
 * negative ELBO (reconstruction + beta * KL, L samples of z) or negative IWAE bound (K samples, src/fastpath/iwae.ts),
 * and its gradient written out by hand, layer by layer. Parameters are plain arrays named as in the model's
 * ParamStore; eps is passed in, drawn by the caller from the same stream the tfjs path uses, so both paths see
 * the same numbers.
 */
export class MlpVaeOnKernels {
  private readonly net: LayersOnKernels;
  /** The last forward pass's layer outputs and z, for the backward pass. */
  private saved: { encoded: Float32Array[]; decoded: Float32Array[]; z: Float32Array; weights: Float64Array | null } | null = null;
  private readonly decoderCode: number;
  /** The IWAE's normalized weights of the last forward pass, in float64 (they are exponentials), reused across steps. */
  private weightsBuffer = new Float64Array(0);
  /** DReG's per-draw weights (src/fastpath/iwae.ts), reused across steps. */
  private dregBuffer = new Float64Array(0);

  constructor(private readonly kernels: Kernels, readonly plan: MlpVaePlan, values: Map<string, Float32Array>) {
    this.net = new LayersOnKernels(kernels, values);
    this.net.adoptLayers([...plan.encoder, ...plan.decoder]);
    this.decoderCode = DECODERS.indexOf(plan.likelihood.decoder);
  }

  /** Parameter values and their gradients, by ParamStore name. */
  get values(): Map<string, Float32Array> {
    return this.net.values;
  }

  get grads(): Map<string, Float32Array> {
    return this.net.grads;
  }

  /**
   * Forward pass of the negative ELBO on a batch x [rows, inputDim] with `samples` draws of z per input from
   * eps [samples * rows, latentDim] (sample-major): the batch means of the terms. Keeps each layer's output,
   * and with `dDecOut` also writes d(mean recon)/d(decoder output), for the backward pass.
   */
  private forwardTerms(x: Float32Array, rows: number, beta: number, samples: number, eps: Float32Array, dDecOut: Float32Array | null, objective: Objective): LossMeans {
    const { latentDim: k, inputDim: dim, likelihood: lik } = this.plan;
    const drawn = samples * rows;
    const encoded = this.net.forward(this.plan.encoder, x, rows, 'enc');
    const z = this.net.work.get('z', drawn * k);
    const kl = this.net.work.get('kl', rows);
    this.kernels.gaussianHead(encoded[encoded.length - 1], eps, rows, k, samples, z, kl);
    const decoded = this.net.forward(this.plan.decoder, z, drawn, 'dec');
    const decOut = decoded[decoded.length - 1];
    const logLik = this.net.work.get('logLik', drawn);
    if (objective === 'iwae') {
      // d(-log p)/d(out) per draw, weighed below by the draw's normalized importance weight.
      this.kernels.logLikelihood(decOut, x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logLik, dDecOut, 1);
      if (this.weightsBuffer.length < drawn) this.weightsBuffer = new Float64Array(drawn);
      const weights = this.weightsBuffer.subarray(0, drawn);
      const means = iwaeForward(encoded[encoded.length - 1], eps, z, logLik, { rows, latentDim: k, samples }, beta, weights);
      if (dDecOut) weighDecoderGrad(dDecOut, dDecOut.length / drawn, weights, rows);
      this.saved = { encoded, decoded, z, weights };
      return means;
    }
    // d(batch mean of recon)/d(log p of one draw) = -1 / (samples * rows).
    this.kernels.logLikelihood(decOut, x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logLik, dDecOut, 1 / drawn);
    this.saved = { encoded, decoded, z, weights: null };
    let reconSum = 0;
    let klSum = 0;
    for (let i = 0; i < drawn; i++) reconSum -= logLik[i];
    for (let r = 0; r < rows; r++) klSum += kl[r];
    const recon = reconSum / drawn;
    const klMean = klSum / rows;
    return { total: recon + beta * klMean, recon, kl: klMean };
  }

  /** Batch means of the terms of the negative ELBO (or IWAE bound), without gradients (evaluation). */
  losses(x: Float32Array, rows: number, beta: number, samples: number, eps: Float32Array, objective: Objective = 'elbo'): LossMeans {
    return this.forwardTerms(x, rows, beta, samples, eps, null, objective);
  }

  /**
   * The batch means of the terms, as `losses`, and in `grads` the gradient of the batch mean of `total`
   * (recon + beta * KL, or the negative IWAE bound) with respect to every parameter; for the IWAE bound with
   * estimator dreg, the encoder's is the doubly reparameterized estimate (Tucker et al. 2019, eq. 5/6).
   */
  gradients(x: Float32Array, rows: number, beta: number, samples: number, eps: Float32Array, objective: Objective = 'elbo', estimator: Estimator = 'standard'): LossMeans {
    const k = this.plan.latentDim;
    const dDecOut = this.net.work.get('dDecOut', samples * rows * this.plan.decoder[this.plan.decoder.length - 1].outSize);
    const means = this.forwardTerms(x, rows, beta, samples, eps, dDecOut, objective);
    const { encoded, decoded, z, weights } = this.saved!;
    const encOut = encoded[encoded.length - 1];
    const dz = this.net.backward(this.plan.decoder, z, decoded, dDecOut, samples * rows, 'dec', true)!;
    const dEncOut = this.net.work.get('dEncOut', rows * 2 * k);
    if (weights && estimator === 'dreg') {
      // DReG: the decoder's weights stay w~_i; through z the draws weigh w~_i^2 (at beta 1), no entropy term.
      if (this.dregBuffer.length < weights.length) this.dregBuffer = new Float64Array(weights.length);
      const dreg = dregWeights(weights, beta, this.dregBuffer.subarray(0, weights.length));
      reweighPathGrad(dz, k, weights, beta);
      addPriorGrad(z, dreg, rows, k, beta, dz);
      addPathEntropyGrad(encOut, eps, dreg, rows, k, beta, dz);
      this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, 0, dEncOut);
    } else if (weights) {
      // IWAE: the KL is not analytic; the prior and q(z|x) enter through each draw's weight (src/fastpath/iwae.ts).
      addPriorGrad(z, weights, rows, k, beta, dz);
      this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, 0, dEncOut);
      addEntropyGrad(rows, k, beta, dEncOut);
    } else {
      this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, beta / rows, dEncOut);
    }
    this.net.backward(this.plan.encoder, x, encoded, dEncOut, rows, 'enc', false);
    return means;
  }

  /**
   * log p(x, z_k) - log q(z_k|x) for the draws z_k = mean + sigma * eps_k, laid out [samples, rows]: the
   * importance log-weights of src/models/vae.ts, computed without gradients.
   */
  importanceLogWeights(x: Float32Array, rows: number, samples: number, eps: Float32Array): Float32Array {
    const { latentDim: k, inputDim: dim, likelihood: lik } = this.plan;
    const drawn = samples * rows;
    const encoded = this.net.forward(this.plan.encoder, x, rows, 'enc');
    const encOut = encoded[encoded.length - 1];
    const z = this.net.work.get('z', drawn * k);
    this.kernels.gaussianHead(encOut, eps, rows, k, samples, z, null);
    const decoded = this.net.forward(this.plan.decoder, z, drawn, 'dec');
    const logW = new Float32Array(drawn);
    this.kernels.logLikelihood(decoded[decoded.length - 1], x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logW, null, 0);
    this.kernels.importanceCorrection(z, encOut, eps, rows, k, samples, logW);
    return logW;
  }
}
