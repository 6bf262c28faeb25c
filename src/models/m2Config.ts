// The M2 kind's spec: its config type, defaults, fields and training regime, apart from m2.ts, its math,
// so that reading specs (the command line's help and flag checks) loads no tfjs.
import { Activation } from '../nn/activations.js';
import { DecoderSettings } from './decoders.js';
import { LabelSettings } from './labelled.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import { M2_NETWORK_FIELDS, netFields, SEMI_SUPERVISED_FIELDS } from './labelFields.js';
import { autoencoderParameters, denseParameters, trunkSize } from './size.js';
import { ModelKindSpec } from './spec.js';

/**
 * M2's networks and weights, the same in M2 (on images x) and in M1+M2 (on M1's features z1, where x below
 * reads z1): Kingma, Rezende, Mohamed & Welling 2014, sec. 2.2. M1+M2's M2 defaults to the 'gaussian-learned' decoder.
 */
export interface M2Settings extends LabelSettings, DecoderSettings {
  /** Dimensions of z. Default 50 (as in the paper). */
  latentDim: number;
  /** Hidden layers of q(z|x,y); p(x|y,z) mirrors them. Default [500]. */
  hidden: number[];
  /** Hidden layers of the classifier q(y|x). Default [500]. */
  classifierHidden: number[];
  /** Nonlinearity of the hidden layers. Default 'softplus' (the paper's). */
  activation: Activation;
  /** Number of labels y. Default 10. */
  classes: number;
  /**
   * Weight of the mean -log q(y|x) over the labelled images in the objective per image, J^alpha / N: the
   * paper's alpha divided by N (its objective sums the bounds over all N images). The paper's alpha = 0.1 N is
   * 0.1 here, as in the authors' code, which trained for 3000 epochs; 20 fits the labelled images within an
   * epoch or two (see labelFields.ts). Default 20.
   */
  alpha: number;
  /** Labelled training images, balanced per class (0: all). Default 100. */
  labelled: number;
  /** Labelled examples in every batch, beside batchSize unlabelled ones. Default 100. */
  labelledBatch: number;
}

/** Configuration of M2, the generative semi-supervised model of Kingma, Rezende, Mohamed & Welling 2014. */
export interface M2Config extends M2Settings {
  kind: 'm2';
  /**
   * mlp, or conv: strided convolutions on x before the dense layers of q(z|x,y) (`hidden`) and of q(y|x)
   * (`classifierHidden`), transposed ones after those of p(x|y,z) (see networks.ts). Default (and when absent,
   * as in checkpoints from before it) 'mlp'.
   */
  net?: NetKind;
  /** conv: channels of the convolutions. Default [32, 64]. */
  channels?: number[];
}

/** M2Settings' defaults: M2's (M1+M2 changes the decoder). */
export const M2_SETTINGS_DEFAULTS: M2Settings = {
  latentDim: 50,
  hidden: [500],
  classifierHidden: [500],
  activation: 'softplus',
  decoder: 'bernoulli',
  sigma: 1,
  minLogVar: -6,
  classes: 10,
  alpha: 20,
  labelled: 100,
  labelledBatch: 100,
};

/** The M2 settings of a config that holds more (M1+M2's), by M2_SETTINGS_DEFAULTS' keys. */
export function pickM2Settings(config: M2Settings): M2Settings {
  const keys = Object.keys(M2_SETTINGS_DEFAULTS) as (keyof M2Settings)[];
  return Object.fromEntries(keys.map((k) => [k, config[k]])) as unknown as M2Settings;
}

export const M2_DEFAULTS: M2Config = { kind: 'm2', ...M2_SETTINGS_DEFAULTS, ...NET_DEFAULTS };

const M2_FIELDS: FieldSpec[] = [
  ...M2_NETWORK_FIELDS,
  ...netFields(
    'networks: mlp (dense layers) or conv (strided convolutions on x, then the --hidden dense layers of q(z|x,y) and the --classifier-hidden ones of q(y|x); p(x|y,z) mirrors q(z|x,y) with transposed convolutions); conv trains on the portable engine only',
    'conv: channels of the convolutions of q(z|x,y), q(y|x) and (mirrored) p(x|y,z), each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64',
  ),
  ...SEMI_SUPERVISED_FIELDS,
];

export const M2_KIND: ModelKindSpec<M2Config> = {
  kind: 'm2',
  title: 'M2',
  description: 'M2 semi-supervised VAE: q(y|x), q(z|x,y), p(x|y,z) on partly labelled data (Kingma et al. 2014)',
  defaults: M2_DEFAULTS,
  fields: M2_FIELDS,
  trainer: 'semi-supervised',
  objective: '-J/N',
  load: async () => {
    const { M2 } = await import('./m2.js');
    return (config, inputDim, seed, shape) => new M2(config, inputDim, seed, shape);
  },
  size: (config, shape) => {
    const trunk = trunkSize(config, shape);
    const classifier = trunk.parameters + denseParameters([trunk.features, ...config.classifierHidden, config.classes]);
    return { parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim, config.classes) + classifier };
  },
};
