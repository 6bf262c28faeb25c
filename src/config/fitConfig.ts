import type { ModelConfig } from '../models/registry.js';
import type { DataConfig, TrainConfig } from './run.js';

/** What to train: each section over its defaults (src/config/run.ts and the model kind's defaults). */
export interface FitConfig {
  /** The model: `kind` ('vae', 'ae', 'dae', 'cae', 'pca', 'aae', 'cvae', 'm2', 'm1m2'; default 'vae') and its settings. */
  model?: Partial<ModelConfig>;
  /** Epochs, batch size, learning rate and its steps, KL weight and warm-up, samples of z, seed. */
  train?: Partial<TrainConfig>;
  /** The data set ('mnist' by default, or a directory), binarization, validation split, a limit of images. */
  data?: Partial<DataConfig>;
}
