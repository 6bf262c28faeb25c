// The AAE kind's spec: its config type, defaults, fields and training regime, apart from aae.ts, its math,
// so that reading specs (the command line's help and flag checks) loads no tfjs.
import { Activation } from '../nn/activations.js';
import { PRIOR_COMPONENTS, PriorKind, PRIORS } from '../prob/priors.js';
import { DecoderSettings } from './decoders.js';
import { NET_DEFAULTS, NetFields } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { autoencoderParameters, denseParameters } from './size.js';
import { ModelKindSpec } from './spec.js';
import { VAE_NETWORK_FIELDS } from './vaeConfig.js';

/** Configuration of the adversarial autoencoder (Makhzani et al. 2015). */
export interface AaeConfig extends NetFields, DecoderSettings {
  kind: 'aae';
  /** Dimensions of the code z. Default 2. */
  latentDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers of all three networks. Default 'relu'. */
  activation: Activation;
  /** Hidden layer sizes of the discriminator d(z). Default [256, 256]. */
  discHidden: number[];
  /** The prior p(z) the codes are pushed towards. Default 'gaussian'. */
  prior: PriorKind;
  /** Give the discriminator a one-hot label beside z (sec. 2.3 of the paper). Default false. */
  labels: boolean;
  /** Gaussian encoder q(z|x) with the reparameterization trick instead of a deterministic one. Default false. */
  stochasticEncoder: boolean;
}

export const AAE_DEFAULTS: AaeConfig = {
  kind: 'aae',
  latentDim: 2,
  hidden: [400],
  activation: 'relu',
  decoder: 'bernoulli',
  sigma: 1,
  minLogVar: -6,
  discHidden: [256, 256],
  prior: 'gaussian',
  labels: false,
  stochasticEncoder: false,
  ...NET_DEFAULTS,
};

const AAE_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'dimensions of the code z', type: { type: 'int', min: 1 } },
  ...VAE_NETWORK_FIELDS.slice(1),
  { key: 'discHidden', flag: 'disc-hidden', help: 'hidden layer sizes of the discriminator d(z)', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'prior', flag: 'prior', help: 'p(z): N(0, I); 10 Gaussians on a circle (first two dimensions); a 2-D swiss roll', type: { type: 'enum', choices: PRIORS } },
  { key: 'labels', flag: 'labels', help: 'show the discriminator a one-hot label: the component for prior draws, the class for images', type: { type: 'boolean' } },
  { key: 'stochasticEncoder', flag: 'stochastic-encoder', help: 'Gaussian encoder q(z|x) sampled by reparameterization instead of a deterministic one', type: { type: 'boolean' } },
];

export const AAE_KIND: ModelKindSpec<AaeConfig> = {
  kind: 'aae',
  description: 'adversarial autoencoder: a discriminator matches the codes to a chosen prior (Makhzani et al. 2015)',
  defaults: AAE_DEFAULTS,
  fields: AAE_FIELDS,
  trainer: 'multistep',
  objective: '-log p(x|z)',
  load: async () => {
    const { Aae } = await import('./aae.js');
    return (config, inputDim, seed, shape) => new Aae(config, inputDim, seed, shape);
  },
  size: (config, shape) => ({
    parameters:
      autoencoderParameters(config, shape, (config.stochasticEncoder ? 2 : 1) * config.latentDim, config.latentDim) +
      denseParameters([config.latentDim + (config.labels ? PRIOR_COMPONENTS + 1 : 0), ...config.discHidden, 1]),
  }),
};
