import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_DEFAULTS } from '../../src/config/run.js';
import { prepareTestData, prepareTrainingData } from '../../src/data/prepare.js';
import { tinyDataset } from './fixtures.js';

test('no images to train on or to score is an error naming the data set', () => {
  const empty = { ...tinyDataset(0), name: '/d/train-images-idx3-ubyte' };
  assert.throws(() => prepareTrainingData({ train: empty }, { ...DATA_DEFAULTS, valSize: 0 }, 0), { message: '/d/train-images-idx3-ubyte: no training images: expected at least one' });
  assert.throws(() => prepareTestData({ ...empty, name: 'mnist test' }, DATA_DEFAULTS, 0), { message: 'mnist test: no images to score: expected at least one' });
});
