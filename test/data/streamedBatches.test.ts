/** StreamedBatches against ShuffledBatches: the same batches, read ahead into a bounded cache, errors where asked. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShuffledBatches } from '../../src/data/batches.js';
import { Dataset, imageSize } from '../../src/data/dataset.js';
import { ImageReader, StreamedDataset } from '../../src/data/streamed.js';
import { StreamedBatches } from '../../src/data/streamedBatches.js';
import { permutation, Rng, Stream } from '../../src/rng.js';
import { tinyDataset } from './fixtures.js';

/**
 * `d` as a streamed set over a source that holds its images in reverse (position p holds image count-1-p), so a
 * batch that read image i at position i would differ; the reader counts what it is asked for, and fails on a
 * read holding position `fail`.
 */
function streamedOf(d: Dataset, fail?: number): { data: StreamedDataset; reads: Uint32Array[] } {
  const size = imageSize(d);
  const source = new Uint8Array(d.images.length);
  for (let i = 0; i < d.count; i++) source.set(d.images.subarray(i * size, (i + 1) * size), (d.count - 1 - i) * size);
  const reads: Uint32Array[] = [];
  const reader: ImageReader = {
    async read(positions) {
      reads.push(positions.slice());
      if (fail !== undefined && positions.includes(fail)) throw new Error(`image ${fail}: cannot decode`);
      const out = new Uint8Array(positions.length * size);
      positions.forEach((p, k) => out.set(source.subarray(p * size, (p + 1) * size), k * size));
      return out;
    },
  };
  const positions = Uint32Array.from({ length: d.count }, (_, i) => d.count - 1 - i);
  return { data: { name: d.name, count: d.count, shape: d.shape, labels: d.labels, positions, reader }, reads };
}

test('a streamed pass gives the batches, labels and binarization draws of the in-memory pass, from any batch', async () => {
  const d = tinyDataset(23, [3, 2, 1]);
  const opts = { batchSize: 5, seed: 7, binarize: true, labels: true, readAhead: 2 };
  const memory = new ShuffledBatches(d, opts);
  const { data, reads } = streamedOf(d);
  const streamed = new StreamedBatches(data, opts);
  assert.equal(streamed.batches, memory.batches);
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let b = 0; b < memory.batches; b++) {
      const want = memory.batch(epoch, b);
      const x = [...want.batch.x];
      const got = await streamed.batch(epoch, b);
      assert.deepEqual([...got.batch.x], x, `epoch ${epoch} batch ${b}`);
      assert.deepEqual([...got.batch.labels!], [...want.batch.labels!]);
      assert.equal(got.done, want.done);
    }
  }
  // Each batch read once (two epochs, and two batches of the third read ahead), never more.
  assert.equal(reads.length, 2 * memory.batches + 2);
  // A resumed run starts mid-epoch: the batch is the same, read afresh.
  const resumed = new StreamedBatches(streamedOf(d).data, opts);
  assert.deepEqual([...(await resumed.batch(1, 3)).batch.x], [...memory.batch(1, 3).batch.x]);
  assert.equal(streamed.cacheBytes, 3 * 5 * 6);
});

test('a batch that cannot be read fails when it is asked for, not when it was read ahead', async () => {
  const d = tinyDataset(20, [2, 2, 1]);
  const opts = { batchSize: 5, seed: 1, readAhead: 3 };
  // Position 19 (image 0) fails: the batches before the one holding it still come, though it was read ahead.
  const source = new StreamedBatches(streamedOf(d, 19).data, opts);
  let failedAt = -1;
  for (let b = 0; b < source.batches; b++) {
    try {
      await source.batch(0, b);
    } catch (e) {
      assert.match((e as Error).message, /image 19: cannot decode/);
      failedAt = b;
      break;
    }
  }
  // The batch of epoch 0 that holds image 0, in ShuffledBatches' order.
  const holding = Math.floor(permutation(20, new Rng(1, Stream.shuffle, 0)).indexOf(0) / 5);
  assert.equal(failedAt, holding);
});
