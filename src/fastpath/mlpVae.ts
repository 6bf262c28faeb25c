import { ACTIVATIONS } from '../nn/dense.js';
import { DenseLayerRef } from '../nn/mlp.js';
import { DECODERS } from '../models/likelihood.js';
import { MlpVaePlan } from '../models/types.js';
import { Kernels } from './kernels.js';

/** Scratch arrays by name, grown on demand and reused across steps: a step allocates nothing. */
class Workspace {
  private readonly arrays = new Map<string, Float32Array>();

  get(name: string, size: number): Float32Array {
    let a = this.arrays.get(name);
    if (!a || a.length < size) {
      a = new Float32Array(size);
      this.arrays.set(name, a);
    }
    return a.subarray(0, size);
  }
}

/** Batch means of the loss terms, named as the model's lossTerms names them. */
export interface LossMeans {
  total: number;
  recon: number;
  kl: number;
}

/**
 * The MLP VAE of src/models/vae.ts run on a set of kernels instead of tfjs: the same layers, the same
 * negative ELBO (reconstruction + beta * KL, L samples of z), and its gradient written out by hand, layer by
 * layer. Parameters are plain arrays named as in the model's ParamStore; eps is passed in, drawn by the
 * caller from the same stream the tfjs path uses, so both paths see the same numbers.
 */
export class MlpVaeOnKernels {
  /** Parameter values and their gradients, by ParamStore name. */
  readonly values = new Map<string, Float32Array>();
  readonly grads = new Map<string, Float32Array>();
  private readonly work = new Workspace();
  /** The last forward pass's layer outputs and z, for the backward pass. */
  private saved: { encoded: Float32Array[]; decoded: Float32Array[]; z: Float32Array } | null = null;
  private readonly decoderCode: number;

  constructor(private readonly kernels: Kernels, readonly plan: MlpVaePlan, values: Map<string, Float32Array>) {
    for (const layer of [...plan.encoder, ...plan.decoder]) {
      for (const [name, size] of [[layer.w, layer.inSize * layer.outSize], [layer.b, layer.outSize]] as const) {
        const v = values.get(name);
        if (!v || v.length !== size) throw new Error(`fast path: parameter "${name}" is missing or has the wrong size`);
        this.values.set(name, v);
        this.grads.set(name, new Float32Array(size));
      }
    }
    this.decoderCode = DECODERS.indexOf(plan.likelihood.decoder);
  }

  /** Runs an MLP on `rows` rows of `input`; returns each layer's output (kept for the backward pass). */
  private forward(layers: readonly DenseLayerRef[], input: Float32Array, rows: number, prefix: string): Float32Array[] {
    const outputs: Float32Array[] = [];
    let h = input;
    layers.forEach((layer, i) => {
      const y = this.work.get(`${prefix}${i}`, rows * layer.outSize);
      this.kernels.gemm(false, false, rows, layer.outSize, layer.inSize, h, this.values.get(layer.w)!, y, 0);
      this.kernels.biasActivation(y, this.values.get(layer.b)!, rows, layer.outSize, ACTIVATIONS.indexOf(layer.activation));
      outputs.push(y);
      h = y;
    });
    return outputs;
  }

  /**
   * Backward through an MLP from dL/d(output) (overwritten); writes the parameter gradients and returns
   * dL/d(input), unless `inputGrad` is false (the data needs none).
   */
  private backward(layers: readonly DenseLayerRef[], input: Float32Array, outputs: Float32Array[], dOut: Float32Array, rows: number, prefix: string, inputGrad: boolean): Float32Array | null {
    let dy = dOut;
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i];
      const h = i === 0 ? input : outputs[i - 1];
      this.kernels.activationGrad(dy, outputs[i], rows * layer.outSize, ACTIVATIONS.indexOf(layer.activation));
      // dW = h^T dPre, db = column sums of dPre, dh = dPre W^T.
      this.kernels.gemm(true, false, layer.inSize, layer.outSize, rows, h, dy, this.grads.get(layer.w)!, 0);
      this.kernels.columnSums(dy, rows, layer.outSize, this.grads.get(layer.b)!);
      if (i === 0 && !inputGrad) return null;
      const dh = this.work.get(`${prefix}d${i}`, rows * layer.inSize);
      this.kernels.gemm(false, true, rows, layer.inSize, layer.outSize, dy, this.values.get(layer.w)!, dh, 0);
      dy = dh;
    }
    return dy;
  }

  /**
   * Forward pass of the negative ELBO on a batch x [rows, inputDim] with `samples` draws of z per input from
   * eps [samples * rows, latentDim] (sample-major): the batch means of the terms. Keeps each layer's output,
   * and with `dDecOut` also writes d(mean recon)/d(decoder output), for the backward pass.
   */
  private forwardTerms(x: Float32Array, rows: number, beta: number, samples: number, eps: Float32Array, dDecOut: Float32Array | null): LossMeans {
    const { latentDim: k, inputDim: dim, likelihood: lik } = this.plan;
    const drawn = samples * rows;
    const encoded = this.forward(this.plan.encoder, x, rows, 'enc');
    const z = this.work.get('z', drawn * k);
    const kl = this.work.get('kl', rows);
    this.kernels.gaussianHead(encoded[encoded.length - 1], eps, rows, k, samples, z, kl);
    const decoded = this.forward(this.plan.decoder, z, drawn, 'dec');
    const logLik = this.work.get('logLik', drawn);
    // d(batch mean of recon)/d(log p of one draw) = -1 / (samples * rows).
    this.kernels.logLikelihood(decoded[decoded.length - 1], x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logLik, dDecOut, 1 / drawn);
    this.saved = { encoded, decoded, z };
    let reconSum = 0;
    let klSum = 0;
    for (let i = 0; i < drawn; i++) reconSum -= logLik[i];
    for (let r = 0; r < rows; r++) klSum += kl[r];
    const recon = reconSum / drawn;
    const klMean = klSum / rows;
    return { total: recon + beta * klMean, recon, kl: klMean };
  }

  /** Batch means of the negative ELBO's terms, without gradients (evaluation). */
  losses(x: Float32Array, rows: number, beta: number, samples: number, eps: Float32Array): LossMeans {
    return this.forwardTerms(x, rows, beta, samples, eps, null);
  }

  /**
   * The batch means of the terms, as `losses`, and in `grads` the gradient of the batch mean of
   * recon + beta * KL with respect to every parameter.
   */
  gradients(x: Float32Array, rows: number, beta: number, samples: number, eps: Float32Array): LossMeans {
    const k = this.plan.latentDim;
    const dDecOut = this.work.get('dDecOut', samples * rows * this.plan.decoder[this.plan.decoder.length - 1].outSize);
    const means = this.forwardTerms(x, rows, beta, samples, eps, dDecOut);
    const { encoded, decoded, z } = this.saved!;
    const encOut = encoded[encoded.length - 1];
    const dz = this.backward(this.plan.decoder, z, decoded, dDecOut, samples * rows, 'dec', true)!;
    const dEncOut = this.work.get('dEncOut', rows * 2 * k);
    this.kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, beta / rows, dEncOut);
    this.backward(this.plan.encoder, x, encoded, dEncOut, rows, 'enc', false);
    return means;
  }

  /**
   * log p(x, z_k) - log q(z_k|x) for the draws z_k = mean + sigma * eps_k, laid out [samples, rows]: the
   * importance log-weights of src/models/vae.ts, computed without gradients.
   */
  importanceLogWeights(x: Float32Array, rows: number, samples: number, eps: Float32Array): Float32Array {
    const { latentDim: k, inputDim: dim, likelihood: lik } = this.plan;
    const drawn = samples * rows;
    const encoded = this.forward(this.plan.encoder, x, rows, 'enc');
    const encOut = encoded[encoded.length - 1];
    const z = this.work.get('z', drawn * k);
    this.kernels.gaussianHead(encOut, eps, rows, k, samples, z, null);
    const decoded = this.forward(this.plan.decoder, z, drawn, 'dec');
    const logW = new Float32Array(drawn);
    this.kernels.logLikelihood(decoded[decoded.length - 1], x, drawn, dim, rows, this.decoderCode, lik.sigma, lik.minLogVar, logW, null, 0);
    this.kernels.importanceCorrection(z, encOut, eps, rows, k, samples, logW);
    return logW;
  }
}
