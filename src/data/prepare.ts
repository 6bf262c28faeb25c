import { ConfigError } from '../config/schema.js';
import { hashInts } from '../rng.js';
import { DataConfig } from './config.js';
import { Dataset } from './dataset.js';
import { isStreamed, readWhole, StreamedDataset, streamedSubset, TrainImages } from './streamed.js';
import { binarizeDataset, inOrder, limit, splitValidation, validationIndices } from './transforms.js';

/** The splits a run uses, ready to batch. */
export interface PreparedData {
  train: Dataset;
  val?: Dataset;
}

/** The splits of a run that may stream its training images; validation images are always in memory. */
export interface PreparedTrainImages {
  train: TrainImages;
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
  const valSize = heldOutSize(loaded.train, train.count, val !== undefined, dc);
  if (valSize > 0) ({ train, val } = splitValidation(train, valSize, seed));
  if (dc.binarize === 'static') train = binarizeDataset(train, seed);
  if (val && dc.binarize !== 'none') val = binarizeDataset(val, hashInts(seed, VAL_BINARIZE));
  return { train, val };
}

/**
 * `prepareTrainingData` for training images that may be streamed: the same limit, the same validation split
 * (by `validationIndices`) and the same binarization of the validation set, which is decoded into memory. A
 * streamed training set cannot be binarized once (`static` draws over the whole set in memory).
 */
export async function prepareTrainImages(loaded: { train: TrainImages; valid?: Dataset }, dc: DataConfig, seed: number): Promise<PreparedTrainImages> {
  const whole = loaded.train;
  if (!isStreamed(whole)) return prepareTrainingData({ ...loaded, train: whole }, dc, seed);
  if (dc.binarize === 'static') {
    throw new ConfigError(`data.binarize 'static' binarizes the whole training set once in memory, but ${whole.name} is streamed: use 'dynamic' or 'none', or data.stream 'never'`);
  }
  let train: StreamedDataset = dc.limit > 0 && dc.limit < whole.count ? streamedSubset(whole, inOrder(dc.limit), `${whole.name} (first ${dc.limit})`) : whole;
  let val = loaded.valid;
  const valSize = heldOutSize(whole, train.count, val !== undefined, dc);
  if (valSize > 0) {
    const split = validationIndices(train.count, valSize, seed);
    val = await readWhole(streamedSubset(train, split.val, `${train.name} (validation split)`));
    train = streamedSubset(train, split.train, `${train.name} (train split)`);
  }
  if (val && dc.binarize !== 'none') val = binarizeDataset(val, hashInts(seed, VAL_BINARIZE));
  return { train, val };
}

/** How many of `count` training images (after the limit) are held out; none left to train on is an error. */
function heldOutSize(whole: { name: string; count: number }, count: number, ownSplit: boolean, dc: DataConfig): number {
  if (count === 0) throw new Error(`${whole.name}: no training images: expected at least one`);
  const valSize = ownSplit ? 0 : validationSize(dc, count);
  if (valSize >= count) {
    const limited = count < whole.count ? ` (its first ${count}, by data.limit)` : '';
    throw new ConfigError(
      `data.valSize ${valSize} leaves no training images: ${whole.name} holds ${count} images${limited}: ` +
        `expected data.valSize below ${count}, or 0 for no validation`,
    );
  }
  return valSize;
}

/** The test set as evaluation sees it (at least one image): binarized once with `evalSeed` when the run used binary data. */
export function prepareTestData(test: Dataset, dc: DataConfig, evalSeed: number): Dataset {
  // Every figure is a mean over the images: over none it would be NaN, not an answer.
  if (test.count === 0) throw new Error(`${test.name}: no images to score: expected at least one`);
  return dc.binarize === 'none' ? test : binarizeDataset(test, hashInts(evalSeed, TEST_BINARIZE));
}
