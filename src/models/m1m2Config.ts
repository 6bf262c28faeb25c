// The M1+M2 kind's spec: its config type, defaults, fields and training regime, apart from m1m2.ts, its math,
// so that reading specs (the command line's help and flag checks) loads no tfjs.
import { M2_SETTINGS_DEFAULTS, M2Settings } from './m2Config.js';
import { DecoderKind } from './decoders.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';
import { FieldSpec } from '../config/schema.js';
import type { ImageShape } from '../nn/convNet.js';
import { M2_NETWORK_FIELDS, netFields, SEMI_SUPERVISED_FIELDS } from './labelFields.js';
import { autoencoderParameters, denseParameters } from './size.js';
import { ModelKindSpec } from './spec.js';

/** Configuration of M1+M2 (Kingma et al. 2014, sec. 2.3): M2 trained on the features of a VAE, M1. */
export interface M1M2Config extends M2Settings {
  kind: 'm1m2';
  /** Dimensions of M1's latent z1, the features M2 sees. Default 50. */
  m1Latent: number;
  /** Hidden layers of M1's encoder (its decoder mirrors them). Default [600, 600] (the paper's). */
  m1Hidden: number[];
  /** Epochs of stage 1 (M1 on every training image); the run's remaining epochs train M2. Default 10. */
  m1Epochs: number;
  /**
   * What M2 trains on: 'sample' draws z1 from q(z1|x) afresh each step (Kingma et al.'s code, nips14-ssl),
   * 'mean' takes its mean. Classification always takes the mean. Default 'sample'.
   */
  features: 'sample' | 'mean';
  /**
   * Keep only M1's active units: at the start of stage 2, the dimensions of z1 whose posterior mean varies
   * across the first 1,000 training images with a standard deviation above this are kept and the others are
   * held at 0 for M2 (Kingma et al.'s code, nips14-ssl learn_yz_x_ss.py, keeps those above 0.1). 0 keeps every
   * dimension. Default (and when absent, as in checkpoints from before it) 0.
   */
  featureMinStd?: number;
  /** Stage 1's batch size (M1 on every image); 0: the run's --batch-size. Default (and when absent) 0. */
  m1BatchSize?: number;
  /** M2's likelihood of the features p(z1|y,z2). Default 'gaussian-learned'. */
  decoder: DecoderKind;
  /**
   * M1's networks: mlp, or conv (strided convolutions before the dense layers `m1Hidden`, transposed ones in
   * its decoder). M2 stays an MLP: it models M1's feature vectors, not images. Default (and when absent) 'mlp'.
   */
  net?: NetKind;
  /** conv: channels of M1's convolutions. Default [32, 64]. */
  channels?: number[];
}

export const M1M2_DEFAULTS: M1M2Config = {
  kind: 'm1m2',
  m1Latent: 50,
  m1Hidden: [600, 600],
  m1Epochs: 10,
  features: 'sample',
  featureMinStd: 0,
  m1BatchSize: 0,
  ...M2_SETTINGS_DEFAULTS,
  decoder: 'gaussian-learned',
  ...NET_DEFAULTS,
};

/**
 * The settings only stage 2 reads: M2's (but the activation, which M1 shares) and the features it takes. Two
 * runs that differ in these alone train the same M1, so one may start from the other's first stage.
 */
export const SECOND_STAGE_KEYS: readonly string[] = [...Object.keys(M2_SETTINGS_DEFAULTS).filter((k) => k !== 'activation'), 'features', 'featureMinStd'];

const M1M2_FIELDS: FieldSpec[] = [
  { key: 'm1Latent', flag: 'm1-latent', help: 'dimensions of M1\'s latent z1: the features M2 models', type: { type: 'int', min: 1 } },
  { key: 'm1Hidden', flag: 'm1-hidden', help: 'hidden layer sizes of M1\'s encoder; its decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'm1Epochs', flag: 'm1-epochs', help: 'epochs of stage 1 (M1 on every training image), counted in --epochs; the rest train M2', type: { type: 'int', min: 0 } },
  { key: 'm1BatchSize', flag: 'm1-batch-size', help: 'images per step in stage 1 (M1); 0: --batch-size, which then sizes only stage 2\'s unlabelled part', type: { type: 'int', min: 0 } },
  { key: 'featureMinStd', flag: 'feature-min-std', help: 'keep only M1\'s active units: the dimensions of z1 whose posterior mean has a standard deviation above this over the first 1,000 training images (chosen when stage 2 starts); the others are held at 0 for M2. Kingma et al.\'s code keeps those above 0.1; 0 keeps all', type: { type: 'number', min: 0 } },
  { key: 'features', flag: 'features', help: 'what M2 trains on: a fresh draw from M1\'s q(z1|x) each step (sample, as Kingma et al.\'s code) or its mean; classification always uses the mean', type: { type: 'enum', choices: ['sample', 'mean'] } },
  ...netFields(
    'M1\'s networks: mlp (dense layers) or conv (strided convolutions, then the --m1-hidden dense layers; its decoder mirrors them with transposed convolutions); M2 stays an MLP on M1\'s features either way; conv trains on the portable engine only',
    'conv: channels of M1\'s convolutions, each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64',
  ),
  ...M2_NETWORK_FIELDS.map((f) => ({ ...f, help: `M2: ${f.help.replace('p(x|y,z)', 'p(z1|y,z)').replace('q(z|x,y)', 'q(z|z1,y)')}` })),
  ...SEMI_SUPERVISED_FIELDS,
];

export const M1M2_KIND: ModelKindSpec<M1M2Config> = {
  kind: 'm1m2',
  title: 'M1+M2',
  description: 'M1+M2: a VAE (M1) trained on all images, then M2 on its features; one checkpoint classifies raw images (Kingma et al. 2014)',
  defaults: M1M2_DEFAULTS,
  fields: M1M2_FIELDS,
  trainer: 'two-stage',
  objective: '-J/N',
  load: async () => {
    const { M1M2 } = await import('./m1m2.js');
    return (config, inputDim, seed, shape) => new M1M2(config, inputDim, seed, shape);
  },
  size: (config, shape) => {
    const m1 = autoencoderParameters({ ...config, hidden: config.m1Hidden }, shape, 2 * config.m1Latent, config.m1Latent);
    // M2 models M1's features, a vector of m1Latent values, with dense layers only.
    const features: ImageShape = [1, 1, config.m1Latent];
    const m2 = autoencoderParameters({ hidden: config.hidden }, features, 2 * config.latentDim, config.latentDim, config.classes);
    // With featureMinStd, the mask over z1 (features/mask) is stored beside the weights.
    const mask = (config.featureMinStd ?? 0) > 0 ? config.m1Latent : 0;
    return { parameters: m1 + m2 + denseParameters([config.m1Latent, ...config.classifierHidden, config.classes]) + mask };
  },
  // M2's decoder models M1's codes, not the images: no figure per pixel.
  decoderModels: 'features',
};
