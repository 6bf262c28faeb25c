/**
 * Building a new model of any registered kind. Importing this file loads every built-in kind's code (and with
 * it tfjs), so that `createModel` can answer at once.
 */
import type { ImageShape } from '../nn/convNet.js';
import { loadModelKinds, modelFactory, ModelConfig } from './registry.js';
import { Model } from './types.js';

await loadModelKinds();

/** A new model of the config's kind, as its spec builds it; conv networks need the image `shape` [height, width, channels]. */
export function createModel(config: ModelConfig, inputDim: number, seed: number, shape?: ImageShape): Model {
  // modelFactory refuses a config from outside the types that names no kind.
  return modelFactory(config.kind)(config, inputDim, seed, shape);
}
