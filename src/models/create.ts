/**
 * How each kind builds a new model, one line per kind. Kept apart from registry.ts, which describes the kinds
 * (fields, defaults, trainer) without loading tfjs, so that the command line answers --help at once.
 */
import type { ImageShape } from '../nn/convNet.js';
import { Aae } from './aae.js';
import { Autoencoder } from './autoencoder.js';
import { Cvae } from './cvae.js';
import { M1M2 } from './m1m2.js';
import { M2 } from './m2.js';
import { Pca } from './pca.js';
import { modelKindSpec, ModelConfig, ModelKind } from './registry.js';
import { Model } from './types.js';
import { createVae } from './vae.js';

type Creator<C extends ModelConfig> = (config: C, inputDim: number, seed: number, shape?: ImageShape) => Model;

const CREATORS: { [K in ModelKind]: Creator<Extract<ModelConfig, { kind: K }>> } = {
  vae: (config, inputDim, seed, shape) => createVae(config, inputDim, seed, shape),
  ae: (config, inputDim, seed, shape) => new Autoencoder(config, inputDim, seed, shape),
  dae: (config, inputDim, seed, shape) => new Autoencoder(config, inputDim, seed, shape),
  cae: (config, inputDim, seed, shape) => new Autoencoder(config, inputDim, seed, shape),
  pca: (config, inputDim) => new Pca(config, inputDim),
  aae: (config, inputDim, seed, shape) => new Aae(config, inputDim, seed, shape),
  cvae: (config, inputDim, seed, shape) => new Cvae(config, inputDim, seed, shape),
  m2: (config, inputDim, seed, shape) => new M2(config, inputDim, seed, shape),
  m1m2: (config, inputDim, seed, shape) => new M1M2(config, inputDim, seed, shape),
};

/** A new model of the config's kind; conv networks need the image `shape` [height, width, channels]. */
export function createModel(config: ModelConfig, inputDim: number, seed: number, shape?: ImageShape): Model {
  modelKindSpec(config.kind); // a config from outside the types may name no kind: say so
  return (CREATORS[config.kind] as Creator<ModelConfig>)(config, inputDim, seed, shape);
}
