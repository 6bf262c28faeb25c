import type { ImageShape } from '../nn/convNet.js';
import { modelKindSpec, ModelConfig } from './registry.js';
import { Model } from './types.js';

/** A new model of the config's kind, as its spec creates it; conv networks need the image `shape` [height, width, channels]. */
export function createModel(config: ModelConfig, inputDim: number, seed: number, shape?: ImageShape): Model {
  // modelKindSpec refuses a config from outside the types that names no kind.
  return modelKindSpec(config.kind).create(config, inputDim, seed, shape);
}
