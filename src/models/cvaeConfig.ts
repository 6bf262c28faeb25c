// Apart from cvae.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.
import { Activation } from '../nn/activations.js';
import { DecoderKind } from './decoders.js';
import { NET_DEFAULTS, NetFields } from './netConfig.js';

/** Configuration of the conditional VAE (Kingma et al. 2014, M2 with the label always observed; Sohn et al. 2015). */
export interface CvaeConfig extends NetFields {
  kind: 'cvae';
  /** Dimensions of z. Default 20. */
  latentDim: number;
  /** Hidden layers of q(z|x,y); p(x|y,z) mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** Likelihood p(x|y,z). Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned log-variance ('gaussian-learned'). Default -6. */
  minLogVar: number;
  /** Number of labels y. Default 10. */
  classes: number;
}

export const CVAE_DEFAULTS: CvaeConfig = { kind: 'cvae', latentDim: 20, hidden: [400], activation: 'relu', decoder: 'bernoulli', sigma: 1, minLogVar: -6, classes: 10, ...NET_DEFAULTS };
