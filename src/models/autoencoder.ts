import * as tf from '@tensorflow/tfjs';
import { corrupt, NoiseKind } from '../data/corrupt.js';
import { Activation, dense } from '../nn/dense.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { bernoulliMean, logBernoulli } from '../prob/bernoulli.js';
import { Rng, Stream } from '../rng.js';
import { jacobianFrobeniusSq, stochasticContraction } from './contractive.js';
import { Batch, CodeModel, LossOptions, LossTerms } from './types.js';

/** Reconstruction losses of the deterministic autoencoders. */
export const RECON_LOSSES = ['bce', 'mse'] as const;
export type ReconLoss = (typeof RECON_LOSSES)[number];

/** The two forms of the contractive penalty. */
export const CONTRACTIVE_FORMS = ['exact', 'stochastic'] as const;
export type ContractiveForm = (typeof CONTRACTIVE_FORMS)[number];

/** What every deterministic MLP autoencoder has. */
interface AutoencoderFields {
  /** Width of the code h(x). Default 20. */
  latentDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** Nonlinearity of the code layer. Default 'linear'. */
  codeActivation: Activation;
  /** bce: cross-entropy of x against sigmoid(logits); mse: squared error per image. Default 'bce'. */
  recon: ReconLoss;
}

/** Plain (stacked) autoencoder: x -> h(x) -> x^, trained on the reconstruction error alone. */
export interface AeConfig extends AutoencoderFields {
  kind: 'ae';
}

/** Denoising autoencoder (Vincent et al. 2008): reconstructs the clean x from a corrupted x~. */
export interface DaeConfig extends AutoencoderFields {
  kind: 'dae';
  /** Corruption q(x~|x). Default 'mask'. */
  noise: NoiseKind;
  /** Fraction of pixels zeroed (mask) or set to 0/1 (saltpepper); standard deviation (gaussian). Default 0.25. */
  noiseLevel: number;
}

/** Contractive autoencoder (Rifai et al. 2011): reconstruction + lambda * ||J_h(x)||_F^2. */
export interface CaeConfig extends AutoencoderFields {
  kind: 'cae';
  /** exact: the Jacobian's norm in closed form; stochastic: ||h(x + eps) - h(x)||^2 / sigma^2. Default 'exact'. */
  contractive: ContractiveForm;
  /** Weight of the contractive penalty. Default 0.1. */
  lambda: number;
  /** Standard deviation of eps in the stochastic form. Default 0.1. */
  contractiveSigma: number;
}

export type AutoencoderConfig = AeConfig | DaeConfig | CaeConfig;

const COMMON_DEFAULTS: AutoencoderFields = { latentDim: 20, hidden: [400], activation: 'relu', codeActivation: 'linear', recon: 'bce' };
export const AE_DEFAULTS: AeConfig = { kind: 'ae', ...COMMON_DEFAULTS };
export const DAE_DEFAULTS: DaeConfig = { kind: 'dae', ...COMMON_DEFAULTS, noise: 'mask', noiseLevel: 0.25 };
// A linear code like the other kinds, not Rifai et al.'s sigmoid one: behind a ReLU layer and with Adam at 1e-3, a
// sigmoid or tanh code saturates within the first hundred steps and the network stalls at the mean image (measured
// on MNIST, with and without the penalty). Pass --code-activation sigmoid for the original form.
export const CAE_DEFAULTS: CaeConfig = { kind: 'cae', ...COMMON_DEFAULTS, contractive: 'exact', lambda: 0.1, contractiveSigma: 0.1 };

/**
 * A deterministic MLP autoencoder: encoder h(x) (hidden layers, then the code layer), decoder giving logits
 * whose sigmoid is the reconstruction. The kinds differ only in their loss: ae reconstructs x, dae
 * reconstructs x from a corruption of it, cae adds the contractive penalty.
 */
export class Autoencoder implements CodeModel {
  readonly params = new ParamStore();
  readonly latentDim: number;
  /** An autoencoder defines no density over codes: there is nothing to sample from. */
  readonly prior = null;
  readonly kind: AutoencoderConfig['kind'];
  private readonly encoder: Mlp;
  private readonly decoder: Mlp;

  constructor(readonly config: AutoencoderConfig, readonly inputDim: number, seed: number) {
    const rng = new Rng(seed, Stream.init);
    this.kind = config.kind;
    this.latentDim = config.latentDim;
    this.encoder = new Mlp(this.params, 'encoder', [inputDim, ...config.hidden, config.latentDim], config.activation, config.codeActivation, rng);
    this.decoder = new Mlp(this.params, 'decoder', [config.latentDim, ...[...config.hidden].reverse(), inputDim], config.activation, 'linear', rng);
  }

  /** Every encoder layer's output, the code last; x is data, so the first layer skips its input gradient. */
  private encoderOutputs(x: tf.Tensor2D): tf.Tensor2D[] {
    const outputs: tf.Tensor2D[] = [];
    let h = x;
    this.encoder.layers.forEach((l, i) => {
      h = dense(h, this.params.get(l.w) as tf.Tensor2D, this.params.get(l.b) as tf.Tensor1D, l.activation, i > 0);
      outputs.push(h);
    });
    return outputs;
  }

  encodeMean(x: tf.Tensor2D): tf.Tensor2D {
    return this.encoder.apply(x);
  }

  /** The decoder's logits. */
  decode(h: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.apply(h, true);
  }

  decodeMean(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => bernoulliMean(this.decode(h)) as tf.Tensor2D);
  }

  /** Reconstruction error of the clean x from the decoder's logits, per example. */
  private reconError(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
    if (this.config.recon === 'bce') return tf.neg(logBernoulli(logits, x)) as tf.Tensor1D;
    return tf.sum(tf.square(tf.sub(tf.sigmoid(logits), x)), 1) as tf.Tensor1D;
  }

  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const { x } = batch;
      const c = this.config;
      if (c.kind === 'dae') {
        // A fresh corruption per batch from the caller's per-step stream; the loss is against the clean x.
        const noisy = tf.tensor2d(corrupt(x.dataSync() as Float32Array, this.inputDim, c.noise, c.noiseLevel, opts.rng), x.shape);
        const recon = this.reconError(this.decode(this.encoder.apply(noisy)), x);
        return { total: recon, recon } as LossTerms;
      }
      if (c.kind === 'ae') {
        const recon = this.reconError(this.decode(this.encoder.apply(x)), x);
        return { total: recon, recon } as LossTerms;
      }
      const outputs = this.encoderOutputs(x);
      const h = outputs[outputs.length - 1];
      const recon = this.reconError(this.decode(h), x);
      let contractive: tf.Tensor1D;
      if (c.contractive === 'exact') {
        const layers = this.encoder.layers.map((l) => ({ w: this.params.get(l.w) as tf.Tensor2D, activation: l.activation }));
        contractive = jacobianFrobeniusSq(layers, outputs);
      } else {
        const eps = opts.rng.fillNormal(new Float32Array(x.size));
        const noisy = tf.add(x, tf.mul(tf.tensor2d(eps, x.shape), c.contractiveSigma)) as tf.Tensor2D;
        contractive = stochasticContraction(h, this.encoder.apply(noisy), c.contractiveSigma);
      }
      const total = tf.add(recon, tf.mul(contractive, c.lambda)) as tf.Tensor1D;
      return { total, recon, contractive };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
