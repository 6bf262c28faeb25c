import type { Estimator, Objective } from '../config/train.js';
import { DECODERS } from '../models/likelihood.js';
import { MlpVaePlan } from '../models/types.js';
import { addEntropyGrad, addPathEntropyGrad, addPriorGrad, dregWeights, iwaeForward, logPosterior, reweighPathGrad, weighDecoderGrad } from './iwae.js';
import { Kernels } from './kernels.js';
import { LayersOnKernels } from './mlp.js';
import { VampPriorOnKernels } from './vampPrior.js';

/** Batch means of the loss terms, named as the model's lossTerms names them. */
export interface LossMeans {
  total: number;
  recon: number;
  kl: number;
}

/**
 * The MLP VAE of src/models/vae.ts run on a set of kernels instead of tfjs: the same layers, the same
 * negative ELBO (reconstruction + beta * KL, L samples of z) or negative IWAE bound (K samples, src/fastpath/iwae.ts),
 * and its gradient written out by hand, layer by layer. The prior is N(0, I), whose KL is analytic, or the
 * VampPrior (src/fastpath/vampPrior.ts), whose KL is the Monte Carlo estimate on the same draws; its
 * pseudo-inputs then go through the encoder beside the batch, as extra rows. Parameters are plain arrays named
 * as in the model's ParamStore; eps is passed in, drawn by the caller from the same stream the tfjs path uses,
 * so both paths see the same numbers.
 */
export class MlpVaeOnKernels {
  private readonly net: LayersOnKernels;
  /** The last forward pass's encoder input and layer outputs and z, for the backward pass. */
  private saved: { input: Float32Array; encoded: Float32Array[]; decoded: Float32Array[]; z: Float32Array; weights: Float64Array | null } | null = null;
  private readonly decoderCode: number;
  /** The IWAE's normalized weights of the last forward pass, in float64 (they are exponentials), reused across steps. */
  private weightsBuffer = new Float64Array(0);
  /** DReG's per-draw weights (src/fastpath/iwae.ts), reused across steps. */
  private dregBuffer = new Float64Array(0);
  private readonly vamp: VampPriorOnKernels | null;

  constructor(private readonly kernels: Kernels, readonly plan: MlpVaePlan, values: Map<string, Float32Array>) {
    this.net = new LayersOnKernels(kernels, values);
    this.net.adoptLayers([...plan.encoder, ...plan.decoder]);
    this.decoderCode = DECODERS.indexOf(plan.likelihood.decoder);
    const vamp = plan.vamp;
    if (vamp) this.net.adopt(vamp.pseudoInputs, vamp.count * plan.inputDim);
    this.vamp = vamp ? new VampPriorOnKernels(kernels, this.net.work, vamp.count, plan.latentDim) : null;
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
    const { input, encoded, encOut, components } = this.encode(x, rows);
    const z = this.net.work.get('z', drawn * k);
    const kl = this.net.work.get('kl', rows);
    this.kernels.gaussianHead(encOut, eps, rows, k, samples, z, kl);
    const decoded = this.net.forward(this.plan.decoder, z, drawn, 'dec');
    const decOut = decoded[decoded.length - 1];
    const logLik = this.net.work.get('logLik', drawn);
    const logPrior = components ? this.priorLogDensity(z, drawn, components) : null;
    if (objective === 'iwae') {
      // d(-log p)/d(out) per draw, weighed below by the draw's normalized importance weight.
      this.kernels.logLikelihood(decOut, x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logLik, dDecOut, 1);
      if (this.weightsBuffer.length < drawn) this.weightsBuffer = new Float64Array(drawn);
      const weights = this.weightsBuffer.subarray(0, drawn);
      const means = iwaeForward(encOut, eps, z, logLik, { rows, latentDim: k, samples }, beta, weights, logPrior);
      if (dDecOut) weighDecoderGrad(dDecOut, dDecOut.length / drawn, weights, rows);
      this.saved = { input, encoded, decoded, z, weights };
      return means;
    }
    // d(batch mean of recon)/d(log p of one draw) = -1 / (samples * rows).
    this.kernels.logLikelihood(decOut, x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logLik, dDecOut, 1 / drawn);
    this.saved = { input, encoded, decoded, z, weights: null };
    let reconSum = 0;
    for (let i = 0; i < drawn; i++) reconSum -= logLik[i];
    const recon = reconSum / drawn;
    let klMean = 0;
    if (logPrior) {
      // KL by Monte Carlo: the mean over the draws of log q(z|x) - log p(z) (Tomczak & Welling 2018, sec. 3).
      for (let i = 0; i < drawn; i++) klMean += logPosterior(encOut, eps, i, rows, k) - logPrior[i];
      klMean /= drawn;
    } else {
      for (let r = 0; r < rows; r++) klMean += kl[r];
      klMean /= rows;
    }
    return { total: recon + beta * klMean, recon, kl: klMean };
  }

  /**
   * The encoder on x [rows, inputDim], and with the VampPrior on its pseudo-inputs too, clipped to [0, 1], as
   * rows after the batch's: the input it saw, each layer's output, q(z|x)'s [mean | logVar] per row, and the
   * prior's components [count, 2 * latentDim] (null for N(0, I)).
   */
  private encode(x: Float32Array, rows: number): { input: Float32Array; encoded: Float32Array[]; encOut: Float32Array; components: Float32Array | null } {
    const { inputDim: dim, latentDim: k, vamp } = this.plan;
    if (!vamp) {
      const encoded = this.net.forward(this.plan.encoder, x, rows, 'enc');
      return { input: x, encoded, encOut: encoded[encoded.length - 1], components: null };
    }
    const input = this.net.work.get('encIn', (rows + vamp.count) * dim);
    input.set(x.subarray(0, rows * dim));
    const u = this.net.values.get(vamp.pseudoInputs)!;
    for (let i = 0, at = rows * dim; i < u.length; i++) input[at + i] = Math.min(1, Math.max(0, u[i]));
    const encoded = this.net.forward(this.plan.encoder, input, rows + vamp.count, 'enc');
    const out = encoded[encoded.length - 1];
    return { input, encoded, encOut: out.subarray(0, rows * 2 * k), components: out.subarray(rows * 2 * k) };
  }

  private priorLogDensity(z: Float32Array, drawn: number, components: Float32Array): Float32Array {
    const logPrior = this.net.work.get('logPrior', drawn);
    this.vamp!.logDensity(z, drawn, components, logPrior);
    return logPrior;
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
    const drawn = samples * rows;
    const dDecOut = this.net.work.get('dDecOut', drawn * this.plan.decoder[this.plan.decoder.length - 1].outSize);
    const means = this.forwardTerms(x, rows, beta, samples, eps, dDecOut, objective);
    const { input, encoded, decoded, z, weights } = this.saved!;
    // q(z|x)'s rows; the VampPrior's components follow them.
    const encOut = encoded[encoded.length - 1].subarray(0, rows * 2 * k);
    const dz = this.net.backward(this.plan.decoder, z, decoded, dDecOut, drawn, 'dec', true)!;
    const count = this.plan.vamp?.count ?? 0;
    const dEncOut = this.net.work.get('dEncOut', (rows + count) * 2 * k);
    const dData = dEncOut.subarray(0, rows * 2 * k);
    const dreg = weights && estimator === 'dreg' ? this.dregWeights(weights, beta) : null;
    // DReG: the decoder's weights stay w~_i; through z the draws weigh w~_i^2 (at beta 1).
    if (dreg) reweighPathGrad(dz, k, weights!, beta);
    if (this.vamp) {
      // d(loss)/d(-log p(z_i)) per draw: beta / drawn for the ELBO, beta w~_i / rows for the IWAE bound (DReG's
      // path weight through z); the pseudo-inputs and the encoder through the components take w~_i.
      const prior = weights ?? new Float64Array(drawn).fill(1 / samples);
      const scale = (w: Float64Array) => Float64Array.from(w, (v) => (v * beta) / rows);
      this.vamp.backward(scale(dreg ?? prior), scale(prior), dz, dEncOut.subarray(rows * 2 * k));
    } else if (weights) {
      addPriorGrad(z, dreg ?? weights, rows, k, beta, dz);
    }
    if (dreg) {
      // No score term: -log q(z|x)'s path derivative only.
      addPathEntropyGrad(encOut, eps, dreg, rows, k, beta, dz);
      this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, 0, dData);
    } else if (weights || this.vamp) {
      // The KL is not analytic: log q(z|x) adds its derivative by the log-variances (src/fastpath/iwae.ts).
      this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, 0, dData);
      addEntropyGrad(rows, k, beta, dData);
    } else {
      this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, beta / rows, dData);
    }
    const dInput = this.net.backward(this.plan.encoder, input, encoded, dEncOut, rows + count, 'enc', this.vamp !== null);
    if (this.vamp) this.pseudoInputGrad(dInput!.subarray(rows * this.plan.inputDim));
    return means;
  }

  /** DReG's per-draw weights (src/fastpath/iwae.ts) in a buffer reused across steps. */
  private dregWeights(weights: Float64Array, beta: number): Float64Array {
    if (this.dregBuffer.length < weights.length) this.dregBuffer = new Float64Array(weights.length);
    return dregWeights(weights, beta, this.dregBuffer.subarray(0, weights.length));
  }

  /** The pseudo-inputs' gradient from the encoder's input gradient at their rows: clip(u, 0, 1) passes it where 0 <= u <= 1, as tfjs's clipByValue. */
  private pseudoInputGrad(dRows: Float32Array): void {
    const name = this.plan.vamp!.pseudoInputs;
    const u = this.net.values.get(name)!;
    const g = this.net.grads.get(name)!;
    for (let i = 0; i < u.length; i++) g[i] = u[i] >= 0 && u[i] <= 1 ? dRows[i] : 0;
  }

  /**
   * log p(x, z_k) - log q(z_k|x) for the draws z_k = mean + sigma * eps_k, laid out [samples, rows]: the
   * importance log-weights of src/models/vae.ts, computed without gradients.
   */
  importanceLogWeights(x: Float32Array, rows: number, samples: number, eps: Float32Array): Float32Array {
    const { latentDim: k, inputDim: dim, likelihood: lik } = this.plan;
    const drawn = samples * rows;
    const { encOut, components } = this.encode(x, rows);
    const z = this.net.work.get('z', drawn * k);
    this.kernels.gaussianHead(encOut, eps, rows, k, samples, z, null);
    const decoded = this.net.forward(this.plan.decoder, z, drawn, 'dec');
    const logW = new Float32Array(drawn);
    this.kernels.logLikelihood(decoded[decoded.length - 1], x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logW, null, 0);
    if (!components) {
      this.kernels.importanceCorrection(z, encOut, eps, rows, k, samples, logW);
      return logW;
    }
    const logPrior = this.priorLogDensity(z, drawn, components);
    for (let i = 0; i < drawn; i++) logW[i] += logPrior[i] - logPosterior(encOut, eps, i, rows, k);
    return logW;
  }
}
