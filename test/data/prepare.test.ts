import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_DEFAULTS, DataConfig } from '../../src/config/run.js';
import { ConfigError } from '../../src/config/schema.js';
import { PreparedData, prepareTestData, prepareTrainingData, validationSize } from '../../src/data/prepare.js';
import { splitValidation } from '../../src/data/transforms.js';
import { loadDataset } from '../../src/node/datasets.js';
import { tinyDataset } from './fixtures.js';

test('no images to train on or to score is an error naming the data set', () => {
  const empty = { ...tinyDataset(0), name: '/d/train-images-idx3-ubyte' };
  assert.throws(() => prepareTrainingData({ train: empty }, { ...DATA_DEFAULTS, valSize: 0 }, 0), { message: '/d/train-images-idx3-ubyte: no training images: expected at least one' });
  assert.throws(() => prepareTestData({ ...empty, name: 'mnist test' }, DATA_DEFAULTS, 0), { message: 'mnist test: no images to score: expected at least one' });
});

test('the default validation set is a tenth of the training images, at most 5,000, taken after --limit', () => {
  const prepare = (count: number, data: Partial<DataConfig> = {}) => prepareTrainingData({ train: tinyDataset(count) }, { ...DATA_DEFAULTS, binarize: 'none', ...data }, 0);
  const counts = (p: PreparedData) => [p.train.count, p.val?.count ?? 0];
  assert.equal(DATA_DEFAULTS.valSize, 'auto');
  assert.deepEqual(counts(prepare(100)), [90, 10]);
  assert.deepEqual(counts(prepare(9)), [9, 0]);
  assert.deepEqual(counts(prepare(60_000)), [55_000, 5_000]);
  assert.deepEqual(counts(prepare(200_000)), [195_000, 5_000]);
  assert.deepEqual(counts(prepare(60_000, { limit: 5000 })), [4500, 500]);
  assert.deepEqual(counts(prepare(100, { valSize: 30 })), [70, 30]);
  assert.deepEqual(counts(prepare(100, { valSize: 0 })), [100, 0]);
  assert.equal(validationSize(DATA_DEFAULTS, 60_000), 5000);
  assert.equal(validationSize({ ...DATA_DEFAULTS, valSize: 7 }, 60_000), 7);
});

test('a validation size that leaves no training image is a ConfigError naming data.valSize (and data.limit where set)', () => {
  const tiny = { ...tinyDataset(100), name: 'photos train' };
  const fails = (data: Partial<DataConfig>, message: string) =>
    assert.throws(() => prepareTrainingData({ train: tiny }, { ...DATA_DEFAULTS, ...data }, 0), (e: unknown) => e instanceof ConfigError && e.message === message);
  fails({ valSize: 100 }, 'data.valSize 100 leaves no training images: photos train holds 100 images: expected data.valSize below 100, or 0 for no validation');
  fails({ valSize: 5000, limit: 50 }, 'data.valSize 5000 leaves no training images: photos train holds 50 images (its first 50, by data.limit): expected data.valSize below 50, or 0 for no validation');
});

test('MNIST by default: 55,000 training and 5,000 validation images, the same split as a validation size of 5,000', async () => {
  const { train } = await loadDataset({ data: 'mnist' });
  const auto = prepareTrainingData({ train }, { ...DATA_DEFAULTS, binarize: 'none' }, 3);
  const fixed = splitValidation(train, 5000, 3);
  assert.equal(auto.train.count, 55_000);
  assert.equal(auto.val?.count, 5_000);
  assert.deepEqual(auto.val?.images, fixed.val?.images);
  assert.deepEqual(auto.train.labels, fixed.train.labels);
});
