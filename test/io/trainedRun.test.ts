import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { createRun } from '../../src/io/run.js';
import { openRun, TrainedRun } from '../../src/io/trainedRun.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertNoLeak, useTestBackend } from '../helpers/engine.js';

function trainedRun(model: Record<string, unknown>): TrainedRun {
  const config = resolveRunConfig([{ source: 't', values: { model: { latentDim: 3, hidden: [8], ...model } } }]);
  return new TrainedRun(createRun(config, [4, 4, 1], initialTrainState()));
}

const images: Dataset = { name: 'tiny', count: 5, shape: [4, 4, 1], images: Uint8Array.from({ length: 80 }, (_, i) => (i * 37) % 256) };

test('a run encodes a data set and the same pixels alike, decodes codes to images in [0, 1], and samples reproducibly', async () => {
  await useTestBackend();
  const run = trainedRun({});
  try {
    await assertNoLeak(() => {
      const codes = run.encode(images);
      assert.equal(codes.length, 5 * 3);
      assert.deepEqual(run.encode(Float32Array.from(images.images, (b) => b / 255)), codes);
      const pictures = run.decode(codes);
      assert.equal(pictures.length, 5 * 16);
      assert.ok(pictures.every((v) => v >= 0 && v <= 1));
      assert.deepEqual(run.sample(4, { seed: 7 }), run.sample(4, { seed: 7 }));
      assert.notDeepEqual(run.sample(4, { seed: 7 }), run.sample(4, { seed: 8 }));
    });
    assert.throws(() => run.encode(new Float32Array(17)), /17 pixels are not whole images of 4x4x1/);
    assert.throws(() => run.decode(new Float32Array(4)), /not rows of the latent size 3/);
  } finally {
    run.dispose();
  }
});

test('an autoencoder has no prior to sample; openRun reads a checkpoint from bytes', async () => {
  await useTestBackend();
  const ae = trainedRun({ kind: 'ae' });
  try {
    assert.throws(() => ae.sample(2), /a ae model has no prior to sample from/);
    const back = openRun(ae.checkpointBytes({ weightsOnly: true }), 'ae.ckpt');
    try {
      assert.equal(back.config.model.kind, 'ae');
      assert.equal(back.dir, null);
      assert.deepEqual(back.encode(images), ae.encode(images));
    } finally {
      back.dispose();
    }
  } finally {
    ae.dispose();
  }
});
