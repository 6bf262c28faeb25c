import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { bernoulliMean, logBernoulli } from '../../src/prob/bernoulli.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));

/** The textbook per-element log-likelihood, valid in float64 for moderate logits. */
const naive = (l: number, x: number) => x * Math.log(sigmoid(l)) + (1 - x) * Math.log(1 - sigmoid(l));

function values(f: () => tf.Tensor): number[] {
  const t = tf.tidy(f);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

test('logBernoulli equals sum x log sigmoid(l) + (1 - x) log(1 - sigmoid(l)) for moderate logits', () => {
  const rng = new Rng(3, 1);
  const rows = 5;
  const cols = 7;
  const logits = Array.from({ length: rows * cols }, () => 12 * rng.uniform() - 6);
  // Binary targets in the first rows, grey levels in the last two.
  const x = Array.from({ length: rows * cols }, (_, i) => (i < 3 * cols ? (rng.uniform() < 0.5 ? 0 : 1) : rng.uniform()));
  const expected = Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let c = 0; c < cols; c++) s += naive(logits[r * cols + c], x[r * cols + c]);
    return s;
  });
  const got = tf.tidy(() => logBernoulli(tf.tensor2d(logits, [rows, cols]), tf.tensor2d(x, [rows, cols])));
  assert.deepEqual(got.shape, [rows]);
  assertClose(got.dataSync(), expected, 1e-5, 1e-5, 'logBernoulli');
  got.dispose();
});

test('logBernoulli of a single element by hand: l = 0 gives log(1/2) for any x', () => {
  assertClose(values(() => logBernoulli(tf.tensor2d([[0], [0], [0]]), tf.tensor2d([[0], [1], [0.3]]))), [-Math.LN2, -Math.LN2, -Math.LN2], 1e-6, 1e-7);
  // l = 2, x = 1: log sigmoid(2) = -log(1 + e^-2).
  assertClose(values(() => logBernoulli(tf.tensor2d([[2]]), tf.tensor2d([[1]]))), [-Math.log(1 + Math.exp(-2))], 1e-6, 1e-7);
});

test('logBernoulli stays finite and correct for extreme logits', () => {
  // Asymptotics in float64: log sigmoid(l) = -softplus(-l), log(1 - sigmoid(l)) = -softplus(l),
  // softplus(t) = t + log1p(e^-t) for t > 0 and log1p(e^t) for t < 0.
  const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));
  const cases: [number, number][] = [];
  for (const l of [50, -50, 100, -100]) for (const x of [0, 1, 0.3]) cases.push([l, x]);
  const expected = cases.map(([l, x]) => -x * softplus(-l) - (1 - x) * softplus(l));
  // Spot values: the wrong-side cost is |l| nats, the right side ~0.
  assert.ok(Math.abs(expected[cases.findIndex(([l, x]) => l === 100 && x === 0)] + 100) < 1e-12);
  assert.ok(Math.abs(expected[cases.findIndex(([l, x]) => l === -100 && x === 1)] + 100) < 1e-12);
  assert.ok(Math.abs(expected[cases.findIndex(([l, x]) => l === 50 && x === 0.3)] + 35) < 1e-12);
  const got = values(() => logBernoulli(tf.tensor2d(cases.map(([l]) => [l])), tf.tensor2d(cases.map(([, x]) => [x]))));
  got.forEach((v, i) => assert.ok(Number.isFinite(v), `case ${cases[i]}: ${v}`));
  assertClose(got, expected, 1e-6, 1e-6, 'extreme logits');
});

test('the gradient of logBernoulli w.r.t. the logits is x - sigmoid(l), also at extreme logits', () => {
  const logits = [[-3, -0.5, 0, 0.7, 4], [50, -50, 100, -100, 20]];
  const x = [[0, 1, 0.25, 1, 0], [0, 1, 1, 0, 0.6]];
  const xt = tf.tensor2d(x);
  // Weighted sum over rows so a per-row scale in the upstream gradient is checked too.
  const weights = tf.tensor1d([1, 2]);
  const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(logBernoulli(l, xt), weights)));
  const got = values(() => g(tf.tensor2d(logits)));
  const expected = logits.flatMap((row, r) => row.map((l, c) => (r + 1) * (x[r][c] - sigmoid(l))));
  got.forEach((v, i) => assert.ok(Number.isFinite(v), `grad[${i}] = ${v}`));
  assertClose(got, expected, 1e-5, 1e-6, 'dlogBernoulli/dl');
  tf.dispose([xt, weights]);
});

test('bernoulliMean is sigmoid(logits)', () => {
  const logits = [-100, -5, -0.3, 0, 0.3, 5, 100];
  assertClose(values(() => bernoulliMean(tf.tensor1d(logits))), logits.map(sigmoid), 1e-6, 1e-7, 'sigmoid');
});

test('logBernoulli, its gradient and bernoulliMean leave no tensors behind', async () => {
  const l = tf.tensor2d([[0.5, -1], [2, 3]]);
  const x = tf.tensor2d([[1, 0], [0, 1]]);
  await assertNoLeak(() => {
    logBernoulli(l, x).dispose();
    bernoulliMean(l).dispose();
    tf.tidy(() => {
      tf.grad((lt: tf.Tensor) => tf.sum(logBernoulli(lt, x)))(l);
    });
  });
  tf.dispose([l, x]);
});
