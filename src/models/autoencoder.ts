import * as tf from '@tensorflow/tfjs';
import { corrupt, NoiseKind, NOISES } from '../data/corrupt.js';
import { dense } from '../nn/dense.js';
import { ImageShape } from '../nn/convNet.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { bernoulliMean, logBernoulli } from '../prob/bernoulli.js';
import { Rng, Stream } from '../rng.js';
import { jacobianFrobeniusSq, stochasticContraction } from './contractive.js';
import { buildDecoder, buildEncoder, Network } from './networks.js';
import { Batch, CodeModel, LossOptions, LossTerms } from './types.js';
import { Activation, ACTIVATIONS } from '../nn/activations.js';
import { NET_DEFAULTS, NetFields, NET_FIELDS } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { autoencoderParameters } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Reconstruction losses of the deterministic autoencoders. */
export const RECON_LOSSES = ['bce', 'mse'] as const;
export type ReconLoss = (typeof RECON_LOSSES)[number];

/** The two forms of the contractive penalty. */
export const CONTRACTIVE_FORMS = ['exact', 'stochastic'] as const;
export type ContractiveForm = (typeof CONTRACTIVE_FORMS)[number];

/** What every deterministic autoencoder has (net, channels: MLP or conv networks, see networks.ts). */
interface AutoencoderFields extends NetFields {
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

const COMMON_DEFAULTS: AutoencoderFields = { latentDim: 20, hidden: [400], activation: 'relu', codeActivation: 'linear', recon: 'bce', ...NET_DEFAULTS };
export const AE_DEFAULTS: AeConfig = { kind: 'ae', ...COMMON_DEFAULTS };
export const DAE_DEFAULTS: DaeConfig = { kind: 'dae', ...COMMON_DEFAULTS, noise: 'mask', noiseLevel: 0.25 };
// A linear code like the other kinds, not Rifai et al.'s sigmoid one: behind a ReLU layer and with Adam at 1e-3, a
// sigmoid or tanh code saturates within the first hundred steps and the network stalls at the mean image (measured
// on MNIST, with and without the penalty). Pass --code-activation sigmoid for the original form.
export const CAE_DEFAULTS: CaeConfig = { kind: 'cae', ...COMMON_DEFAULTS, contractive: 'exact', lambda: 0.1, contractiveSigma: 0.1 };

const AE_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'width of the code h(x)', type: { type: 'int', min: 1 } },
  { key: 'hidden', flag: 'hidden', help: 'hidden layer sizes of the encoder, e.g. 1000,500,250; the decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'activation', flag: 'activation', help: 'nonlinearity of the hidden layers', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'codeActivation', flag: 'code-activation', help: 'nonlinearity of the code layer', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'recon', flag: 'recon', help: 'reconstruction loss: bce (cross-entropy on logits) or mse (squared error per image)', type: { type: 'enum', choices: RECON_LOSSES } },
  ...NET_FIELDS,
];

const DAE_FIELDS: FieldSpec[] = [
  ...AE_FIELDS,
  { key: 'noise', flag: 'noise', help: 'corruption of the input: mask (pixels zeroed), gaussian (added noise), saltpepper (pixels set to 0 or 1)', type: { type: 'enum', choices: NOISES } },
  { key: 'noiseLevel', flag: 'noise-level', help: 'fraction of pixels corrupted (mask, saltpepper) or standard deviation (gaussian)', type: { type: 'number', min: 0 } },
];

const CAE_FIELDS: FieldSpec[] = [
  ...AE_FIELDS,
  { key: 'contractive', flag: 'contractive', help: 'penalty ||J_h(x)||_F^2 exactly, or stochastically as ||h(x + eps) - h(x)||^2 / sigma^2', type: { type: 'enum', choices: CONTRACTIVE_FORMS } },
  { key: 'lambda', flag: 'lambda', help: 'weight of the contractive penalty', type: { type: 'number', min: 0 } },
  { key: 'contractiveSigma', flag: 'contractive-sigma', help: 'standard deviation of eps in the stochastic penalty', type: { type: 'number', exclusiveMin: 0 }, appliesWhen: (m) => m.contractive === 'stochastic' },
];

/**
 * A deterministic autoencoder: encoder h(x) (hidden layers, then the code layer; convolutions first with net
 * conv), decoder giving logits whose sigmoid is the reconstruction. The kinds differ only in their loss: ae
 * reconstructs x, dae reconstructs x from a corruption of it, cae adds the contractive penalty.
 */
export class Autoencoder implements CodeModel {
  readonly params = new ParamStore();
  readonly latentDim: number;
  /** An autoencoder defines no density over codes: there is nothing to sample from. */
  readonly prior = null;
  readonly kind: AutoencoderConfig['kind'];
  private readonly encoder: Network;
  private readonly decoder: Network;

  constructor(readonly config: AutoencoderConfig, readonly inputDim: number, seed: number, shape?: ImageShape) {
    if ('contractive' in config && config.contractive === 'exact' && config.net === 'conv') {
      throw new Error('--contractive exact is the Jacobian of an MLP encoder in closed form; with --net conv use --contractive stochastic');
    }
    const rng = new Rng(seed, Stream.init);
    this.kind = config.kind;
    this.latentDim = config.latentDim;
    this.encoder = buildEncoder(this.params, 'encoder', config, inputDim, shape, config.latentDim, config.codeActivation, rng);
    this.decoder = buildDecoder(this.params, 'decoder', config, config.latentDim, inputDim, shape, inputDim, rng);
  }

  /** Every encoder layer's output, the code last; x is data, so the first layer skips its input gradient. */
  private encoderOutputs(x: tf.Tensor2D): tf.Tensor2D[] {
    const outputs: tf.Tensor2D[] = [];
    let h = x;
    (this.encoder as Mlp).layers.forEach((l, i) => {
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
      if ('noise' in c) {
        // A fresh corruption per batch from the caller's per-step stream; the loss is against the clean x.
        const noisy = tf.tensor2d(corrupt(x.dataSync() as Float32Array, this.inputDim, c.noise, c.noiseLevel, opts.rng), x.shape);
        const recon = this.reconError(this.decode(this.encoder.apply(noisy)), x);
        return { total: recon, recon } as LossTerms;
      }
      if (!('contractive' in c)) {
        const recon = this.reconError(this.decode(this.encoder.apply(x)), x);
        return { total: recon, recon } as LossTerms;
      }
      // The exact penalty needs every layer's output; the stochastic one only the code (any encoder).
      const outputs = c.contractive === 'exact' ? this.encoderOutputs(x) : null;
      const h = outputs ? outputs[outputs.length - 1] : this.encoder.apply(x);
      const recon = this.reconError(this.decode(h), x);
      let contractive: tf.Tensor1D;
      if (outputs) {
        const layers = (this.encoder as Mlp).layers.map((l) => ({ w: this.params.get(l.w) as tf.Tensor2D, activation: l.activation }));
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

/** Weights of an autoencoder of `config` for images of `shape`: the code is as wide as the decoder's input. */
const autoencoderSize = (config: AutoencoderConfig, shape: ImageShape) => ({ parameters: autoencoderParameters(config, shape, config.latentDim, config.latentDim) });
const createAutoencoder = (config: AutoencoderConfig, inputDim: number, seed: number, shape?: ImageShape) => new Autoencoder(config, inputDim, seed, shape);

export const AE_KIND: ModelKindSpec<AeConfig> = {
  kind: 'ae',
  description: 'plain (stacked) autoencoder: deterministic MLP encoder and decoder, reconstruction loss',
  defaults: AE_DEFAULTS,
  fields: AE_FIELDS,
  trainer: 'standard',
  objective: 'loss',
  create: createAutoencoder,
  size: autoencoderSize,
};

export const DAE_KIND: ModelKindSpec<DaeConfig> = {
  kind: 'dae',
  description: 'denoising autoencoder: reconstructs the clean image from a corrupted one (Vincent et al. 2008)',
  defaults: DAE_DEFAULTS,
  fields: DAE_FIELDS,
  trainer: 'standard',
  objective: 'loss',
  create: createAutoencoder,
  size: autoencoderSize,
};

export const CAE_KIND: ModelKindSpec<CaeConfig> = {
  kind: 'cae',
  description: 'contractive autoencoder: reconstruction + lambda * ||J_h(x)||_F^2 (Rifai et al. 2011)',
  defaults: CAE_DEFAULTS,
  fields: CAE_FIELDS,
  trainer: 'standard',
  objective: 'loss',
  create: createAutoencoder,
  size: autoencoderSize,
};
