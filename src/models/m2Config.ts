// Apart from m2.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.
import { Activation } from '../nn/activations.js';
import { DecoderKind } from './decoders.js';
import { LabelSettings } from './labelled.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';

/** Configuration of M2, the generative semi-supervised model of Kingma, Rezende, Mohamed & Welling 2014. */
export interface M2Config extends LabelSettings {
  kind: 'm2';
  /** Dimensions of z. Default 50 (as in the paper). */
  latentDim: number;
  /** Hidden layers of q(z|x,y); p(x|y,z) mirrors them. Default [500]. */
  hidden: number[];
  /** Hidden layers of the classifier q(y|x). Default [500]. */
  classifierHidden: number[];
  /** Nonlinearity of the hidden layers. Default 'softplus' (the paper's). */
  activation: Activation;
  /** Likelihood p(x|y,z). Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned log-variance ('gaussian-learned'). Default -6. */
  minLogVar: number;
  /** Number of labels y. Default 10. */
  classes: number;
  /**
   * Weight of the mean -log q(y|x) over the labelled images in the objective per image, J^alpha / N: the
   * paper's alpha divided by N (its objective sums the bounds over all N images). The paper's alpha = 0.1 N is
   * 0.1 here, as in the authors' code, which trained for 3000 epochs; 20 fits the labelled images within an
   * epoch or two (see labelKinds.ts). Default 20.
   */
  alpha: number;
  /** Labelled training images, balanced per class (0: all). Default 100. */
  labelled: number;
  /** Labelled examples in every batch, beside batchSize unlabelled ones. Default 100. */
  labelledBatch: number;
  /**
   * mlp, or conv: strided convolutions on x before the dense layers of q(z|x,y) (`hidden`) and of q(y|x)
   * (`classifierHidden`), transposed ones after those of p(x|y,z) (see networks.ts). Default (and when absent,
   * as in checkpoints from before it) 'mlp'.
   */
  net?: NetKind;
  /** conv: channels of the convolutions. Default [32, 64]. */
  channels?: number[];
}

export const M2_DEFAULTS: M2Config = {
  kind: 'm2',
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
  ...NET_DEFAULTS,
};
