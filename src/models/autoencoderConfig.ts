// The specs of the deterministic autoencoders (ae, dae, cae): config types, defaults, fields and training regime,
// apart from autoencoder.ts, their math, so that reading specs (the command line's help and flag checks) loads no tfjs.
import { FieldSpec } from '../config/schema.js';
import { NoiseKind, NOISES } from '../data/corrupt.js';
import { Activation, ACTIVATIONS } from '../nn/activations.js';
import type { ImageShape } from '../nn/convNet.js';
import { NET_DEFAULTS, NetFields, NET_FIELDS } from './netConfig.js';
import { autoencoderParameters } from './size.js';
import { ModelFactory, ModelKindSpec } from './spec.js';

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

/** Weights of an autoencoder of `config` for images of `shape`: the code is as wide as the decoder's input. */
const autoencoderSize = (config: AutoencoderConfig, shape: ImageShape) => ({ parameters: autoencoderParameters(config, shape, config.latentDim, config.latentDim) });
/** The autoencoders' one class, loaded with its math. */
async function loadAutoencoder(): Promise<ModelFactory<AutoencoderConfig>> {
  const { Autoencoder } = await import('./autoencoder.js');
  return (config, inputDim, seed, shape) => new Autoencoder(config, inputDim, seed, shape);
}

export const AE_KIND: ModelKindSpec<AeConfig> = {
  kind: 'ae',
  description: 'plain (stacked) autoencoder: deterministic MLP encoder and decoder, reconstruction loss',
  defaults: AE_DEFAULTS,
  fields: AE_FIELDS,
  trainer: 'standard',
  objective: 'loss',
  load: loadAutoencoder,
  size: autoencoderSize,
};

export const DAE_KIND: ModelKindSpec<DaeConfig> = {
  kind: 'dae',
  description: 'denoising autoencoder: reconstructs the clean image from a corrupted one (Vincent et al. 2008)',
  defaults: DAE_DEFAULTS,
  fields: DAE_FIELDS,
  trainer: 'standard',
  objective: 'loss',
  load: loadAutoencoder,
  size: autoencoderSize,
};

export const CAE_KIND: ModelKindSpec<CaeConfig> = {
  kind: 'cae',
  description: 'contractive autoencoder: reconstruction + lambda * ||J_h(x)||_F^2 (Rifai et al. 2011)',
  defaults: CAE_DEFAULTS,
  fields: CAE_FIELDS,
  trainer: 'standard',
  objective: 'loss',
  load: loadAutoencoder,
  size: autoencoderSize,
};
