// Apart from m1m2.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.
import { Activation } from '../nn/activations.js';
import { DecoderKind } from './decoders.js';
import { LabelSettings } from './labelled.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';

/** Configuration of M1+M2 (Kingma et al. 2014, sec. 2.3): M2 trained on the features of a VAE, M1. */
export interface M1M2Config extends LabelSettings {
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
  /** Dimensions of M2's z2. Default 50. */
  latentDim: number;
  /** Hidden layers of M2's q(z2|z1,y); p(z1|y,z2) mirrors them. Default [500]. */
  hidden: number[];
  /** Hidden layers of the classifier q(y|z1). Default [500]. */
  classifierHidden: number[];
  /** Nonlinearity of every hidden layer. Default 'softplus'. */
  activation: Activation;
  /** M2's likelihood of the features p(z1|y,z2). Default 'gaussian-learned'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned log-variance. Default -6. */
  minLogVar: number;
  /** Number of labels y. Default 10. */
  classes: number;
  /** M2's weight of the classification term, as M2Config.alpha. Default 20. */
  alpha: number;
  /** Labelled training images, balanced per class (0: all). Default 100. */
  labelled: number;
  /** Labelled examples in every batch. Default 100. */
  labelledBatch: number;
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
  latentDim: 50,
  hidden: [500],
  classifierHidden: [500],
  activation: 'softplus',
  decoder: 'gaussian-learned',
  sigma: 1,
  minLogVar: -6,
  classes: 10,
  alpha: 20,
  labelled: 100,
  labelledBatch: 100,
  ...NET_DEFAULTS,
};
