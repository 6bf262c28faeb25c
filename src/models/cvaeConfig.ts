// The conditional VAE kind's spec: its config type, defaults, fields and training regime, apart from cvae.ts, its math,
// so that reading specs (the command line's help and flag checks) loads no tfjs.
import { Activation } from '../nn/activations.js';
import { DecoderSettings, DECODERS } from './decoders.js';
import { NET_DEFAULTS, NetFields, NET_FIELDS } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { CLASSES_FIELD, M2_NETWORK_FIELDS } from './labelFields.js';
import { autoencoderParameters } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Configuration of the conditional VAE (Kingma et al. 2014, M2 with the label always observed; Sohn et al. 2015). */
export interface CvaeConfig extends NetFields, DecoderSettings {
  kind: 'cvae';
  /** Dimensions of z. Default 20. */
  latentDim: number;
  /** Hidden layers of q(z|x,y); p(x|y,z) mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** Number of labels y. Default 10. */
  classes: number;
}

export const CVAE_DEFAULTS: CvaeConfig = { kind: 'cvae', latentDim: 20, hidden: [400], activation: 'relu', decoder: 'bernoulli', sigma: 1, minLogVar: -6, classes: 10, ...NET_DEFAULTS };

const CVAE_DECODER_FIELD: FieldSpec = {
  key: 'decoder',
  flag: 'decoder',
  help: 'likelihood p(x|y,z): Bernoulli on logits, Gaussian with fixed sigma or learned variance, discretized logistic (8-bit data), or gaussian-ar (learned variance, residuals autoregressive over a 5x5 causal window)',
  type: { type: 'enum', choices: DECODERS },
};

const CVAE_FIELDS: FieldSpec[] = [
  ...M2_NETWORK_FIELDS.filter((f) => f.key !== 'classifierHidden').map((f) => (f.key === 'decoder' ? CVAE_DECODER_FIELD : f)),
  ...NET_FIELDS,
  CLASSES_FIELD,
];

export const CVAE_KIND: ModelKindSpec<CvaeConfig> = {
  kind: 'cvae',
  description: 'conditional VAE: q(z|x,y), p(x|y,z) with y one-hot, N(0, I) prior, ELBO given the label',
  defaults: CVAE_DEFAULTS,
  fields: CVAE_FIELDS,
  trainer: 'labelled',
  objective: '-elbo',
  load: async () => {
    const { Cvae } = await import('./cvae.js');
    return (config, inputDim, seed, shape) => new Cvae(config, inputDim, seed, shape);
  },
  size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim, config.classes) }),
};
