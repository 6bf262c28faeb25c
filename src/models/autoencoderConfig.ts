// Apart from autoencoder.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.
import { NoiseKind } from '../data/corrupt.js';
import { Activation } from '../nn/activations.js';
import { NET_DEFAULTS, NetFields } from './netConfig.js';

/** Reconstruction losses of the deterministic autoencoders. */
export const RECON_LOSSES = ['bce', 'mse'] as const;
export type ReconLoss = (typeof RECON_LOSSES)[number];

/** The two forms of the contractive penalty. */
export const CONTRACTIVE_FORMS = ['exact', 'stochastic'] as const;
export type ContractiveForm = (typeof CONTRACTIVE_FORMS)[number];

/** What every deterministic autoencoder has (net, channels: MLP or conv networks, see networks.ts). */
interface AutoencoderFields extends NetFields {
  /** Width of the code h(x). Default 20. */
  latentDim: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. Default [400]. */
  hidden: number[];
  /** Nonlinearity of the hidden layers. Default 'relu'. */
  activation: Activation;
  /** Nonlinearity of the code layer. Default 'linear'. */
  codeActivation: Activation;
  /** bce: cross-entropy of x against sigmoid(logits); mse: squared error per image. Default 'bce'. */
  recon: ReconLoss;
}

/** Plain (stacked) autoencoder: x -> h(x) -> x^, trained on the reconstruction error alone. */
export interface AeConfig extends AutoencoderFields {
  kind: 'ae';
}

/** Denoising autoencoder (Vincent et al. 2008): reconstructs the clean x from a corrupted x~. */
export interface DaeConfig extends AutoencoderFields {
  kind: 'dae';
  /** Corruption q(x~|x). Default 'mask'. */
  noise: NoiseKind;
  /** Fraction of pixels zeroed (mask) or set to 0/1 (saltpepper); standard deviation (gaussian). Default 0.25. */
  noiseLevel: number;
}

/** Contractive autoencoder (Rifai et al. 2011): reconstruction + lambda * ||J_h(x)||_F^2. */
export interface CaeConfig extends AutoencoderFields {
  kind: 'cae';
  /** exact: the Jacobian's norm in closed form; stochastic: ||h(x + eps) - h(x)||^2 / sigma^2. Default 'exact'. */
  contractive: ContractiveForm;
  /** Weight of the contractive penalty. Default 0.1. */
  lambda: number;
  /** Standard deviation of eps in the stochastic form. Default 0.1. */
  contractiveSigma: number;
}

export type AutoencoderConfig = AeConfig | DaeConfig | CaeConfig;

const COMMON_DEFAULTS: AutoencoderFields = { latentDim: 20, hidden: [400], activation: 'relu', codeActivation: 'linear', recon: 'bce', ...NET_DEFAULTS };
export const AE_DEFAULTS: AeConfig = { kind: 'ae', ...COMMON_DEFAULTS };
export const DAE_DEFAULTS: DaeConfig = { kind: 'dae', ...COMMON_DEFAULTS, noise: 'mask', noiseLevel: 0.25 };
// A linear code like the other kinds, not Rifai et al.'s sigmoid one: behind a ReLU layer and with Adam at 1e-3, a
// sigmoid or tanh code saturates within the first hundred steps and the network stalls at the mean image (measured
// on MNIST, with and without the penalty). Pass --code-activation sigmoid for the original form.
export const CAE_DEFAULTS: CaeConfig = { kind: 'cae', ...COMMON_DEFAULTS, contractive: 'exact', lambda: 0.1, contractiveSigma: 0.1 };
