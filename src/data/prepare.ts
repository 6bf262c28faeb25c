import { ConfigError } from '../config/schema.js';
import { hashInts } from '../rng.js';
import { DataConfig } from './config.js';
import { Dataset } from './dataset.js';
import { binarizeDataset, limit, splitValidation } from './transforms.js';

/** The splits a run uses, ready to batch. */
export interface PreparedData {
  train: Dataset;
  val?: Dataset;
}

/** Seeds of the one-off binarizations of held-out data, distinct from the training streams. */
const VAL_BINARIZE = 1;
const TEST_BINARIZE = 2;

/** The largest validation set valSize 'auto' holds out: MNIST's 60,000 training images keep 55,000. */
export const AUTO_VAL_MAX = 5000;

/** How many of `count` training images (after the limit) are held out: data.valSize, or for 'auto' a tenth, at most AUTO_VAL_MAX. */
export function validationSize(dc: DataConfig, count: number): number {
  return dc.valSize === 'auto' ? Math.min(AUTO_VAL_MAX, Math.floor(count / 10)) : dc.valSize;
}

/**
 * Limits, then splits the training data (the validation images are among the first data.limit), and binarizes
 * what must be binarized once: the training set for `static`, and the validation set for both `static` and
 * `dynamic` (held-out data is drawn once, so every epoch is scored on the same images). A data set that ships
 * its own validation split keeps it. No training image left is an error.
 */
export function prepareTrainingData(loaded: { train: Dataset; valid?: Dataset }, dc: DataConfig, seed: number): PreparedData {
  let train = dc.limit > 0 ? limit(loaded.train, dc.limit) : loaded.train;
  let val = loaded.valid;
  if (train.count === 0) throw new Error(`${loaded.train.name}: no training images: expected at least one`);
  const valSize = val ? 0 : validationSize(dc, train.count);
  if (valSize >= train.count) {
    const limited = train.count < loaded.train.count ? ` (its first ${train.count}, by data.limit)` : '';
    throw new ConfigError(
      `data.valSize ${valSize} leaves no training images: ${loaded.train.name} holds ${train.count} images${limited}: ` +
        `expected data.valSize below ${train.count}, or 0 for no validation`,
    );
  }
  if (valSize > 0) ({ train, val } = splitValidation(train, valSize, seed));
  if (dc.binarize === 'static') train = binarizeDataset(train, seed);
  if (val && dc.binarize !== 'none') val = binarizeDataset(val, hashInts(seed, VAL_BINARIZE));
  return { train, val };
}

/** The test set as evaluation sees it (at least one image): binarized once with `evalSeed` when the run used binary data. */
export function prepareTestData(test: Dataset, dc: DataConfig, evalSeed: number): Dataset {
  // Every figure is a mean over the images: over none it would be NaN, not an answer.
  if (test.count === 0) throw new Error(`${test.name}: no images to score: expected at least one`);
  return dc.binarize === 'none' ? test : binarizeDataset(test, hashInts(evalSeed, TEST_BINARIZE));
}
