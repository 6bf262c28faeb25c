import { ACTIVATIONS } from '../nn/dense.js';
import { FieldSpec } from '../config/schema.js';
import { DECODERS } from './likelihood.js';
import { Model } from './types.js';
import { Vae, VAE_DEFAULTS, VaeConfig } from './vae.js';

/** One model configuration per kind: a union discriminated on `kind`. */
export type ModelConfig = VaeConfig;
export type ModelKind = ModelConfig['kind'];

/** How a kind is trained. Declared by the kind, never guessed from its name. */
export type TrainerKind = 'standard';

/** Everything vaekit knows about a model kind. */
export interface ModelKindSpec<C extends ModelConfig = ModelConfig> {
  kind: C['kind'];
  description: string;
  defaults: C;
  fields: FieldSpec[];
  trainer: TrainerKind;
  create(config: C, inputDim: number, seed: number): Model;
}

const VAE_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'dimensions of the latent code z', type: { type: 'int', min: 1 } },
  { key: 'hidden', flag: 'hidden', help: 'hidden layer sizes of the encoder, e.g. 400 or 500,300; the decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'activation', flag: 'activation', help: 'nonlinearity of the hidden layers', type: { type: 'enum', choices: ACTIVATIONS } },
  { key: 'decoder', flag: 'decoder', help: 'likelihood p(x|z): Bernoulli on logits, Gaussian with fixed sigma, or Gaussian with learned per-pixel variance', type: { type: 'enum', choices: DECODERS } },
  { key: 'sigma', flag: 'sigma', help: 'standard deviation of the fixed-sigma Gaussian decoder', type: { type: 'number', exclusiveMin: 0 } },
  { key: 'minLogVar', flag: 'min-log-var', help: 'floor of the learned log-variance (gaussian-learned)', type: { type: 'number' } },
];

export const MODEL_KINDS: { [K in ModelKind]: ModelKindSpec<Extract<ModelConfig, { kind: K }>> } = {
  vae: {
    kind: 'vae',
    description: 'variational autoencoder: Gaussian encoder, N(0, I) prior, ELBO objective',
    defaults: VAE_DEFAULTS,
    fields: VAE_FIELDS,
    trainer: 'standard',
    create: (config, inputDim, seed) => new Vae(config, inputDim, seed),
  },
};

export function modelKindSpec(kind: string): ModelKindSpec {
  const spec = (MODEL_KINDS as Record<string, ModelKindSpec>)[kind];
  if (!spec) throw new Error(`unknown model kind "${kind}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
  return spec;
}

export function createModel(config: ModelConfig, inputDim: number, seed: number): Model {
  return modelKindSpec(config.kind).create(config, inputDim, seed);
}
