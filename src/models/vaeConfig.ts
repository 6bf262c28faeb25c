// The VAE kind's spec: its config type, defaults, fields and training regime, apart from vae.ts, its math,
// so that reading specs (the command line's help and flag checks) loads no tfjs.
import { Activation, ACTIVATIONS } from '../nn/activations.js';
import { DecoderSettings, decoderReads, DECODERS } from './decoders.js';
import { NET_DEFAULTS, NetKind, NET_FIELDS } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { autoencoderParameters } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Configuration of the variational autoencoder (Kingma & Welling 2014) with MLP or conv encoder and decoder. */
export interface VaeConfig extends DecoderSettings {
  kind: 'vae';
  /** Dimensions of z. Default 20. */
  latentDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** mlp, or conv: strided convolutions before the dense layers `hidden` (see networks.ts). Default (and when absent) 'mlp'. */
  net?: NetKind;
  /** conv: channels of the convolutions. Default [32, 64]. */
  channels?: number[];
  /** p(z): 'standard' N(0, I), or 'vamp', the VampPrior (Tomczak & Welling 2018). Default (and when absent) 'standard'. */
  prior?: VaePriorKind;
  /** vamp: the number K of learned pseudo-inputs. Default 500. */
  pseudoInputs?: number;
}

export const VAE_PRIORS = ['standard', 'vamp'] as const;
/** K of the VampPrior, as in the paper's experiments (Tomczak & Welling 2018). */
export const DEFAULT_PSEUDO_INPUTS = 500;
export type VaePriorKind = (typeof VAE_PRIORS)[number];

export const VAE_DEFAULTS: VaeConfig = {
  kind: 'vae',
  latentDim: 20,
  hidden: [400],
  activation: 'relu',
  decoder: 'bernoulli',
  sigma: 1,
  minLogVar: -6,
  ...NET_DEFAULTS,
  prior: 'standard',
  pseudoInputs: DEFAULT_PSEUDO_INPUTS,
};

/** The networks' and the likelihood's fields, which the kinds built like the VAE share (the AAE's). */
export const VAE_NETWORK_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'dimensions of the latent code z', type: { type: 'int', min: 1 } },
  { key: 'hidden', flag: 'hidden', help: 'hidden layer sizes of the encoder, e.g. 400 or 500,300; the decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'activation', flag: 'activation', help: 'nonlinearity of the hidden layers', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'decoder', flag: 'decoder', help: 'likelihood p(x|z): Bernoulli on logits, Gaussian with fixed sigma, Gaussian with learned per-pixel variance, discretized logistic with learned scale for 8-bit data (Salimans et al. 2017), or gaussian-ar: learned variance, each residual predicted from the 5x5 causal window before it (images only); the last two on the portable engine only', type: { type: 'enum', choices: DECODERS } },
  { key: 'sigma', flag: 'sigma', help: 'standard deviation of the fixed-sigma Gaussian decoder', type: { type: 'number', exclusiveMin: 0 }, appliesWhen: decoderReads('sigma') },
  { key: 'minLogVar', flag: 'min-log-var', help: 'floor of the learned log-variance (gaussian-learned, gaussian-ar)', type: { type: 'number' }, appliesWhen: decoderReads('minLogVar') },
  ...NET_FIELDS,
];

export const VAE_FIELDS: FieldSpec[] = [
  ...VAE_NETWORK_FIELDS,
  { key: 'prior', flag: 'prior', help: 'p(z): standard N(0, I), KL in closed form; or vamp, the VampPrior (Tomczak & Welling 2018): the mixture of the posteriors q(z|u_k) of K learned pseudo-inputs, KL by Monte Carlo over the --samples draws', type: { type: 'enum', choices: VAE_PRIORS } },
  { key: 'pseudoInputs', flag: 'pseudo-inputs', help: 'vamp: the number K of learned pseudo-inputs u_k (images, each a parameter)', type: { type: 'int', min: 1 }, appliesWhen: (m) => m.prior === 'vamp' },
];

export const VAE_KIND: ModelKindSpec<VaeConfig> = {
  kind: 'vae',
  description: 'variational autoencoder: Gaussian encoder, N(0, I) prior or the VampPrior, ELBO objective',
  defaults: VAE_DEFAULTS,
  fields: VAE_FIELDS,
  trainer: 'standard',
  objective: '-elbo',
  objectives: ['elbo', 'iwae'],
  load: async () => (await import('./vae.js')).createVae,
  size: (config, shape) => ({
    parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim) + (config.prior === 'vamp' ? (config.pseudoInputs ?? DEFAULT_PSEUDO_INPUTS) * shape[0] * shape[1] * shape[2] : 0),
  }),
};
