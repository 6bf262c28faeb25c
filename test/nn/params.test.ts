/** ParamStore.loadShared: the warm start behind `vaekit train --init-from`. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ParamStore } from '../../src/nn/params.js';
import { useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

test('loadShared copies the parameters both hold, keeps the others, and writes nothing when a size differs', () => {
  const store = new ParamStore();
  store.add('a', tf.tensor1d([1, 2]));
  store.add('b', tf.tensor1d([3, 4, 5]));
  const result = store.loadShared(new Map([['a', Float32Array.from([7, 8])], ['other', Float32Array.from([9])]]), 'src.ckpt');
  assert.deepEqual(result, { loaded: ['a'], fresh: ['b'] });
  assert.deepEqual(Array.from(store.get('a').dataSync()), [7, 8]);
  assert.deepEqual(Array.from(store.get('b').dataSync()), [3, 4, 5]);
  assert.throws(() => store.loadShared(new Map([['a', Float32Array.from([0, 0])], ['b', Float32Array.from([1])]]), 'src.ckpt'), /src\.ckpt: parameter "b" has 1 values, expected 3/);
  assert.deepEqual(Array.from(store.get('a').dataSync()), [7, 8], 'nothing written by the refused load');
  store.dispose();
});
