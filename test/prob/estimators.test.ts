import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LogMeanExpAccumulator, logMeanExp, monteCarloMean } from '../../src/prob/estimators.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

function values(f: () => tf.Tensor): number[] {
  const t = tf.tidy(f);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** log(mean(exp(xs))) literally, in float64: valid for moderate values only. */
const naiveLogMeanExp = (xs: number[]) => Math.log(xs.reduce((s, v) => s + Math.exp(v), 0) / xs.length);

test('logMeanExp equals log(mean(exp)) in float64 for moderate values, along either axis', () => {
  const rng = new Rng(8, 1);
  const k = 6;
  const b = 4;
  const t = Array.from({ length: k }, () => Array.from({ length: b }, () => 20 * rng.uniform() - 10));
  const byColumn = Array.from({ length: b }, (_, j) => naiveLogMeanExp(t.map((row) => row[j])));
  const byRow = t.map(naiveLogMeanExp);
  const got0 = tf.tidy(() => logMeanExp(tf.tensor2d(t)));
  assert.deepEqual(got0.shape, [b]);
  assertClose(got0.dataSync(), byColumn, 1e-5, 1e-5, 'axis 0');
  got0.dispose();
  assertClose(values(() => logMeanExp(tf.tensor2d(t), 1)), byRow, 1e-5, 1e-5, 'axis 1');
  // Equal values: the mean of exp is exp of the value.
  assertClose(values(() => logMeanExp(tf.fill([5, 1], 2.5))), [2.5], 1e-6, 1e-6, 'constant');
});

test('logMeanExp stays finite for values near -1000 and +1000', () => {
  // log((1/3)(e^a + e^(a-1) + e^(a-2))) = a + log((1 + e^-1 + e^-2) / 3), exact in float64.
  const shift = Math.log((1 + Math.exp(-1) + Math.exp(-2)) / 3);
  for (const a of [-1000, 1000]) {
    const got = values(() => logMeanExp(tf.tensor2d([[a], [a - 1], [a - 2]])));
    assert.ok(Number.isFinite(got[0]), `a = ${a}: ${got[0]}`);
    assertClose(got, [a + shift], 1e-6, 1e-3, `a = ${a}`);
  }
  // One dominant term: log((1/2)(e^1000 + e^-1000)) = 1000 - log 2.
  assertClose(values(() => logMeanExp(tf.tensor1d([1000, -1000]))), [1000 - Math.LN2], 1e-6, 1e-3, 'mixed');
});

test('monteCarloMean averages sample-major [L * B] values into [B]', () => {
  const numSamples = 3;
  const batch = 4;
  // perSample[s * B + b] = 10 * s + b: the mean over s is 10 + b.
  const perSample = Array.from({ length: numSamples * batch }, (_, i) => 10 * Math.floor(i / batch) + (i % batch));
  const got = tf.tidy(() => monteCarloMean(tf.tensor1d(perSample), numSamples));
  assert.deepEqual(got.shape, [batch]);
  assertClose(got.dataSync(), [10, 11, 12, 13], 1e-6, 1e-6, 'mean over samples');
  got.dispose();
  assertClose(values(() => monteCarloMean(tf.tensor1d([1, 2, 3]), 1)), [1, 2, 3], 0, 0, 'L = 1');
});

test('LogMeanExpAccumulator fed in chunks of different sizes equals the one-shot logMeanExp', () => {
  const rng = new Rng(21, 2);
  const size = 5;
  const k = 20;
  const logW = Float32Array.from({ length: k * size }, () => 300 * rng.uniform() - 400);
  const oneShot = values(() => logMeanExp(tf.tensor2d(logW, [k, size])));
  for (const chunks of [[20], [1, 19], [7, 6, 7], [1, 1, 1, 17], [3, 5, 1, 11]]) {
    const acc = new LogMeanExpAccumulator(size);
    let at = 0;
    for (const c of chunks) {
      acc.add(logW.subarray(at * size, (at + c) * size), c);
      at += c;
    }
    assertClose(acc.value(), oneShot, 1e-6, 1e-4, `chunks ${chunks.join('+')}`);
  }
});

test('LogMeanExpAccumulator matches float64 log(mean(exp)) and stays finite near +-1000', () => {
  const acc = new LogMeanExpAccumulator(2);
  // Example 0: [0.5, -1, 2]; example 1: [1000, 999, -1000].
  acc.add([0.5, 1000], 1);
  acc.add([-1, 999, 2, -1000], 2);
  const v = acc.value();
  assert.ok(Math.abs(v[0] - naiveLogMeanExp([0.5, -1, 2])) < 1e-12, `${v[0]}`);
  const expected1 = 1000 + Math.log((1 + Math.exp(-1) + Math.exp(-2000)) / 3);
  assert.ok(Math.abs(v[1] - expected1) < 1e-10, `${v[1]} vs ${expected1}`);
  const low = new LogMeanExpAccumulator(1);
  low.add([-1000, -1001], 2);
  assert.ok(Math.abs(low.value()[0] - (-1000 + Math.log((1 + Math.exp(-1)) / 2))) < 1e-10, `${low.value()[0]}`);
});

test('LogMeanExpAccumulator rejects a chunk of the wrong length, naming both counts', () => {
  const acc = new LogMeanExpAccumulator(3);
  assert.throws(() => acc.add([1, 2, 3, 4, 5], 2), { message: 'LogMeanExpAccumulator: expected 6 values, got 5' });
  assert.throws(() => acc.add([1, 2, 3], 2), /expected 6 values, got 3/);
});

test('logMeanExp and monteCarloMean leave no tensors behind', async () => {
  const t = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const flat = tf.tensor1d([1, 2, 3, 4, 5, 6]);
  await assertNoLeak(() => {
    logMeanExp(t).dispose();
    logMeanExp(t, 1).dispose();
    monteCarloMean(flat, 3).dispose();
  });
  tf.dispose([t, flat]);
});
