/**
 * src/tensorReads.ts: one generator of reads gives the same result read synchronously and asynchronously, frees
 * every tensor it yields, and on a CPU backend is settled at once (no promise), so the training loop stays
 * synchronous there.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { readsAsync, readValues, Reads, settle, settleAsync, settleSync, then } from '../../src/tensorReads.js';
import { assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

/** Sums of rows of a [3, 2] matrix, one read per row, and the count of reads. */
function* rowSums(): Reads<{ sums: number[]; reads: number }> {
  const m = [1, 2, 3, 4, 5, 6];
  const sums: number[] = [];
  for (let r = 0; r < 3; r++) {
    const values = yield tf.tidy(() => tf.sum(tf.tensor1d(m.slice(2 * r, 2 * r + 2)), 0, true));
    sums.push(values[0]);
  }
  return { sums, reads: sums.length };
}

test('settleSync and settleAsync give the same result and free what was read', async () => {
  const sync = await assertNoLeak(() => settleSync(rowSums()));
  const async_ = await assertNoLeak(() => settleAsync(rowSums()));
  assert.deepEqual(sync, { sums: [3, 7, 11], reads: 3 });
  assert.deepEqual(async_, sync);
});

test('on a CPU backend, settle and readValues answer at once, not with a promise', async () => {
  assert.equal(readsAsync(), false, `tfjs ${tf.getBackend()}`);
  const settled = await assertNoLeak(() => settle(rowSums()));
  assert.ok(!(settled instanceof Promise));
  const values = await assertNoLeak(() => readValues(tf.tensor1d([1.5, -2])));
  assert.ok(values instanceof Float32Array);
  assert.deepEqual(Array.from(values), [1.5, -2]);
  assert.equal(then(2, (v) => v + 1), 3);
  assert.equal(await then(Promise.resolve(2), (v) => v + 1), 3);
});

test('settleAsync frees the tensor of a read that fails, and passes the error on', async () => {
  const before = tf.memory().numTensors;
  function* failing(): Reads<number> {
    const t = tf.tensor1d([1]);
    t.data = () => Promise.reject(new Error('device lost'));
    yield t;
    return 0;
  }
  await assert.rejects(settleAsync(failing()), /device lost/);
  assert.equal(tf.memory().numTensors, before);
});
