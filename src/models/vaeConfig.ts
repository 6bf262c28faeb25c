// Apart from vae.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.
import { Activation } from '../nn/activations.js';
import { DecoderKind } from './decoders.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';

/** Configuration of the variational autoencoder (Kingma & Welling 2014) with MLP or conv encoder and decoder. */
export interface VaeConfig {
  kind: 'vae';
  /** Dimensions of z. Default 20. */
  latentDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** Likelihood p(x|z). Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned per-pixel log-variance ('gaussian-learned'). Default -6. */
  minLogVar: number;
  /** mlp, or conv: strided convolutions before the dense layers `hidden` (see networks.ts). Default (and when absent) 'mlp'. */
  net?: NetKind;
  /** conv: channels of the convolutions. Default [32, 64]. */
  channels?: number[];
}

export const VAE_DEFAULTS: VaeConfig = {
  kind: 'vae',
  latentDim: 20,
  hidden: [400],
  activation: 'relu',
  decoder: 'bernoulli',
  sigma: 1,
  minLogVar: -6,
  ...NET_DEFAULTS,
};
