import { ACTIVATIONS } from '../nn/activations.js';
import { FieldSpec } from '../config/schema.js';
import { AAE_DEFAULTS, AaeConfig } from './aaeConfig.js';
import { NOISES } from '../data/corrupt.js';
import { AE_DEFAULTS, AeConfig, CAE_DEFAULTS, CaeConfig, CONTRACTIVE_FORMS, DAE_DEFAULTS, DaeConfig, RECON_LOSSES } from './autoencoderConfig.js';
import { decoderReads, DECODERS } from './decoders.js';
import { LABEL_KINDS, LabelModelConfig, LabelTrainerKind } from './labelKinds.js';
import { PCA_DEFAULTS, PcaConfig } from './pcaConfig.js';
import { NET_FIELDS } from './netConfig.js';
import { VAE_DEFAULTS, VaeConfig } from './vaeConfig.js';
import { autoencoderParameters, denseParameters, ModelSize } from './size.js';
import type { ImageShape } from '../nn/convNet.js';
import { PRIOR_COMPONENTS, PRIORS } from '../prob/priors.js';
import type { TrainConfig } from '../config/run.js';

/** One model configuration per kind: a union discriminated on `kind`. */
export type ModelConfig = VaeConfig | AeConfig | DaeConfig | CaeConfig | PcaConfig | AaeConfig | LabelModelConfig;
export type ModelKind = ModelConfig['kind'];

/**
 * How a kind is trained: the name of its step strategy (src/train/train.ts STRATEGIES, each typed to the model
 * it trains). Declared by the kind, never guessed from its name. standard: one gradient step per batch on the
 * batch mean of `total`; fit: a closed-form fit to the training set in one pass (the model is a FittedModel);
 * multistep: the ordered optimizer steps the model declares (a MultiStepModel), each with its own optimizer.
 */
export type TrainerKind = 'standard' | 'fit' | 'multistep' | LabelTrainerKind;

/** Everything vaekit knows about a model kind. */
export interface ModelKindSpec<C extends ModelConfig = ModelConfig> {
  kind: C['kind'];
  description: string;
  defaults: C;
  fields: FieldSpec[];
  trainer: TrainerKind;
  /** What the objective `total` is called in logs, e.g. '-elbo'. */
  objective: string;
  /** How large a model of this config would be for images of `shape` [height, width, channels] (src/models/size.ts). */
  size(config: C, shape: ImageShape): ModelSize;
  /**
   * Training settings the kind has no use for, and why: given by the user (flags, a config file), they are
   * refused with this reason. Default: it uses them all.
   */
  unusedTrainSettings?: { keys: (keyof TrainConfig)[]; reason: string };
  /** The kind's own defaults for training settings, over the common ones (a fitted kind's one pass). */
  trainDefaults?: Partial<TrainConfig>;
}

const VAE_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'dimensions of the latent code z', type: { type: 'int', min: 1 } },
  { key: 'hidden', flag: 'hidden', help: 'hidden layer sizes of the encoder, e.g. 400 or 500,300; the decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'activation', flag: 'activation', help: 'nonlinearity of the hidden layers', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'decoder', flag: 'decoder', help: 'likelihood p(x|z): Bernoulli on logits, Gaussian with fixed sigma, Gaussian with learned per-pixel variance, discretized logistic with learned scale for 8-bit data (Salimans et al. 2017), or gaussian-ar: learned variance, each residual predicted from the 5x5 causal window before it (images only); the last two on the portable engine only', type: { type: 'enum', choices: DECODERS } },
  { key: 'sigma', flag: 'sigma', help: 'standard deviation of the fixed-sigma Gaussian decoder', type: { type: 'number', exclusiveMin: 0 }, appliesWhen: decoderReads('sigma') },
  { key: 'minLogVar', flag: 'min-log-var', help: 'floor of the learned log-variance (gaussian-learned, gaussian-ar)', type: { type: 'number' }, appliesWhen: decoderReads('minLogVar') },
  ...NET_FIELDS,
];

const LATENT_FIELD: FieldSpec = { key: 'latentDim', flag: 'latent', help: 'width of the code h(x)', type: { type: 'int', min: 1 } };

const AE_FIELDS: FieldSpec[] = [
  LATENT_FIELD,
  { key: 'hidden', flag: 'hidden', help: 'hidden layer sizes of the encoder, e.g. 1000,500,250; the decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'activation', flag: 'activation', help: 'nonlinearity of the hidden layers', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'codeActivation', flag: 'code-activation', help: 'nonlinearity of the code layer', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'recon', flag: 'recon', help: 'reconstruction loss: bce (cross-entropy on logits) or mse (squared error per image)', type: { type: 'enum', choices: RECON_LOSSES } },
  ...NET_FIELDS,
];

const DAE_FIELDS: FieldSpec[] = [
  ...AE_FIELDS,
  { key: 'noise', flag: 'noise', help: 'corruption of the input: mask (pixels zeroed), gaussian (added noise), saltpepper (pixels set to 0 or 1)', type: { type: 'enum', choices: NOISES } },
  { key: 'noiseLevel', flag: 'noise-level', help: 'fraction of pixels corrupted (mask, saltpepper) or standard deviation (gaussian)', type: { type: 'number', min: 0 } },
];

const CAE_FIELDS: FieldSpec[] = [
  ...AE_FIELDS,
  { key: 'contractive', flag: 'contractive', help: 'penalty ||J_h(x)||_F^2 exactly, or stochastically as ||h(x + eps) - h(x)||^2 / sigma^2', type: { type: 'enum', choices: CONTRACTIVE_FORMS } },
  { key: 'lambda', flag: 'lambda', help: 'weight of the contractive penalty', type: { type: 'number', min: 0 } },
  { key: 'contractiveSigma', flag: 'contractive-sigma', help: 'standard deviation of eps in the stochastic penalty', type: { type: 'number', exclusiveMin: 0 }, appliesWhen: (m) => m.contractive === 'stochastic' },
];

const AAE_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'dimensions of the code z', type: { type: 'int', min: 1 } },
  ...VAE_FIELDS.slice(1),
  { key: 'discHidden', flag: 'disc-hidden', help: 'hidden layer sizes of the discriminator d(z)', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'prior', flag: 'prior', help: 'p(z): N(0, I); 10 Gaussians on a circle (first two dimensions); a 2-D swiss roll', type: { type: 'enum', choices: PRIORS } },
  { key: 'labels', flag: 'labels', help: 'show the discriminator a one-hot label: the component for prior draws, the class for images', type: { type: 'boolean' } },
  { key: 'stochasticEncoder', flag: 'stochastic-encoder', help: 'Gaussian encoder q(z|x) sampled by reparameterization instead of a deterministic one', type: { type: 'boolean' } },
];

export const MODEL_KINDS: { [K in ModelKind]: ModelKindSpec<Extract<ModelConfig, { kind: K }>> } = {
  vae: {
    kind: 'vae',
    description: 'variational autoencoder: Gaussian encoder, N(0, I) prior, ELBO objective',
    defaults: VAE_DEFAULTS,
    fields: VAE_FIELDS,
    trainer: 'standard',
    objective: '-elbo',
    size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim) }),
  },
  ae: {
    kind: 'ae',
    description: 'plain (stacked) autoencoder: deterministic MLP encoder and decoder, reconstruction loss',
    defaults: AE_DEFAULTS,
    fields: AE_FIELDS,
    trainer: 'standard',
    objective: 'loss',
    size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, config.latentDim, config.latentDim) }),
  },
  dae: {
    kind: 'dae',
    description: 'denoising autoencoder: reconstructs the clean image from a corrupted one (Vincent et al. 2008)',
    defaults: DAE_DEFAULTS,
    fields: DAE_FIELDS,
    trainer: 'standard',
    objective: 'loss',
    size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, config.latentDim, config.latentDim) }),
  },
  cae: {
    kind: 'cae',
    description: 'contractive autoencoder: reconstruction + lambda * ||J_h(x)||_F^2 (Rifai et al. 2011)',
    defaults: CAE_DEFAULTS,
    fields: CAE_FIELDS,
    trainer: 'standard',
    objective: 'loss',
    size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, config.latentDim, config.latentDim) }),
  },
  pca: {
    kind: 'pca',
    description: 'principal component analysis: exact fit on the training covariance, h = W^T (x - mu)',
    defaults: PCA_DEFAULTS,
    fields: [{ ...LATENT_FIELD, help: 'principal directions kept (width of the code)' }],
    trainer: 'fit',
    objective: 'squared error',
    // The fit holds the d x d second moment, the covariance and its eigenvectors at once.
    size: (config, [h, w, c]) => ({ parameters: h * w * c * (config.latentDim + 1), fitValues: 3 * (h * w * c) ** 2 }),
    // The fit sees each training image once (seeded binarization aside) and takes no step: no rate, no epochs.
    unusedTrainSettings: { keys: ['epochs', 'batchSize', 'lr', 'lrSteps', 'lrStepFactor', 'beta', 'warmupEpochs', 'numSamples'], reason: 'it is fitted in one pass' },
    trainDefaults: { epochs: 1 },
  },
  aae: {
    kind: 'aae',
    description: 'adversarial autoencoder: a discriminator matches the codes to a chosen prior (Makhzani et al. 2015)',
    defaults: AAE_DEFAULTS,
    fields: AAE_FIELDS,
    trainer: 'multistep',
    objective: '-log p(x|z)',
    size: (config, shape) => ({
      parameters:
        autoencoderParameters(config, shape, (config.stochasticEncoder ? 2 : 1) * config.latentDim, config.latentDim) +
        denseParameters([config.latentDim + (config.labels ? PRIOR_COMPONENTS + 1 : 0), ...config.discHidden, 1]),
    }),
  },
  ...LABEL_KINDS,
};

/** Whether `kind` names a model kind. Own keys only: "toString" or "constructor" name none. */
export function isModelKind(kind: unknown): kind is ModelKind {
  return typeof kind === 'string' && Object.hasOwn(MODEL_KINDS, kind);
}

export function modelKindSpec(kind: string): ModelKindSpec {
  if (!isModelKind(kind)) throw new Error(`unknown model kind "${kind}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
  return MODEL_KINDS[kind] as ModelKindSpec;
}

/** Whether a kind uses a training setting (see ModelKindSpec.unusedTrainSettings). */
export function usesTrainSetting(spec: ModelKindSpec, key: keyof TrainConfig): boolean {
  return !(spec.unusedTrainSettings?.keys ?? []).includes(key);
}
