import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigLayer, resolveRunConfig } from '../../src/config/run.js';
import { ConfigError } from '../../src/config/schema.js';
import { bytesText, checkBatchSize, checkModelSize, countText, MEMORY_LIMIT_BYTES, scoringImagesPerPass } from '../../src/config/size.js';

const MNIST: [number, number, number] = [28, 28, 1];

function config(values: ConfigLayer['values']) {
  return resolveRunConfig([{ source: 'test', values }]);
}

function refused(f: () => unknown, ...parts: string[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    for (const p of parts) assert.ok(e.message.includes(p), `${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

test('numbers in the refusals read plainly', () => {
  assert.equal(countText(652824), '652,824');
  assert.equal(countText(3.31e9), '3.3e9');
  assert.equal(countText(1e8), '1e8');
  assert.equal(bytesText(4e9), '4 GB');
  assert.equal(bytesText(39.1e9), '39.1 GB');
  assert.equal(bytesText(512), '512 bytes');
  assert.equal(MEMORY_LIMIT_BYTES, 4e9);
});

test('a model of every kind at its defaults, and a large but possible one, pass', () => {
  for (const kind of ['vae', 'ae', 'dae', 'cae', 'pca', 'aae', 'cvae', 'm2', 'm1m2']) {
    checkModelSize(config({ model: { kind } }), MNIST);
    checkModelSize(config({ model: { kind } }), [32, 32, 3]);
  }
  checkModelSize(config({ model: { hidden: [100000] } }), MNIST); // 1.6e8 parameters, 1.9 GB with the moments
});

test('a model too large is refused with its parameter count and memory, naming the key that makes it so', () => {
  refused(() => checkModelSize(config({ model: { hidden: [2000000] } }), MNIST), 'model.hidden: the model for images of 28x28x1 would have 3.3e9 parameters, 39.1 GB', 'at most 3.3e8 (4 GB)');
  refused(() => checkModelSize(config({ model: { latentDim: 1e9 } }), MNIST), 'model.latentDim:', '1.2e12 parameters');
  refused(() => checkModelSize(config({ model: { net: 'conv', channels: [100000, 100000] } }), MNIST), 'model.channels:');
  refused(() => checkModelSize(config({ model: { kind: 'aae', discHidden: [100000, 100000] } }), MNIST), 'model.discHidden:');
  refused(() => checkModelSize(config({ model: { kind: 'm2', classifierHidden: [5000000] } }), MNIST), 'model.classifierHidden:');
  // The messages name keys through the caller's names: the command line names flags.
  refused(() => checkModelSize(config({ model: { hidden: [2000000] } }), MNIST, (_, key) => `--${key} !`), '--hidden !: the model');
  // Large images alone: no key to blame, the images are named.
  refused(() => checkModelSize(config({ model: {} }), [1024, 1024, 3]), 'the model for images of 1024x1024x3 would have');
  // PCA's fit holds d x d float64 values three times.
  refused(() => checkModelSize(config({ model: { kind: 'pca' } }), [256, 256, 1]), 'for its fit', 'use smaller images');
});

test('a training batch too large is refused naming the batch size or the samples of z', () => {
  checkBatchSize(config({ train: { batchSize: 60000 } }), MNIST);
  refused(() => checkBatchSize(config({ train: { batchSize: 1e9 } }), MNIST), 'train.batchSize: a batch of 1e9 images of 784 values', '9.4 TB', 'at most 4 GB');
  refused(() => checkBatchSize(config({ train: { numSamples: 1e7 } }), MNIST), 'train.numSamples: a batch of 128 images', '1e7 sample(s)');
});

test('scoring passes shrink with the samples of z, down to one image, beyond which they are refused', () => {
  assert.equal(scoringImagesPerPass(1, MNIST, 500), 500);
  assert.equal(scoringImagesPerPass(1000, MNIST, 500), 20);
  assert.equal(scoringImagesPerPass(100000, MNIST, 500), 1);
  assert.equal(scoringImagesPerPass(1, [32, 32, 3], 500), 500);
  refused(() => scoringImagesPerPass(1e8, MNIST, 500, '--samples 100000000'), '--samples 100000000: one image\'s pass', '627.2 GB');
});
