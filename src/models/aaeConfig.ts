// Apart from aae.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.
import { Activation } from '../nn/activations.js';
import { PriorKind } from '../prob/priors.js';
import { DecoderKind } from './decoders.js';
import { NET_DEFAULTS, NetFields } from './netConfig.js';

/** Configuration of the adversarial autoencoder (Makhzani et al. 2015). */
export interface AaeConfig extends NetFields {
  kind: 'aae';
  /** Dimensions of the code z. Default 2. */
  latentDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers of all three networks. Default 'relu'. */
  activation: Activation;
  /** Likelihood p(x|z) of the reconstruction step. Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned per-pixel log-variance ('gaussian-learned'). Default -6. */
  minLogVar: number;
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
