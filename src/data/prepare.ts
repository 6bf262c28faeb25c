import { DataConfig } from '../config/run.js';
import { hashInts } from '../rng.js';
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

/**
 * Limits and splits the training data and binarizes what must be binarized once: the training set for
 * `static`, and the validation set for both `static` and `dynamic` (held-out data is drawn once, so every
 * epoch is scored on the same images). A data set that ships its own validation split keeps it. No training
 * image is an error.
 */
export function prepareTrainingData(loaded: { train: Dataset; valid?: Dataset }, dc: DataConfig, seed: number): PreparedData {
  let train = dc.limit > 0 ? limit(loaded.train, dc.limit) : loaded.train;
  let val = loaded.valid;
  if (train.count === 0) throw new Error(`${loaded.train.name}: no training images: expected at least one`);
  if (!val && dc.valSize > 0) ({ train, val } = splitValidation(train, dc.valSize, seed));
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
