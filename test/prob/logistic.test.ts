import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { logDiscretizedLogistic, logDiscretizedLogisticPerPixel } from '../../src/prob/logistic.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const W = 1 / 255;

/** log(sigmoid(b) - sigmoid(a)), b > a, in float64: with 1 - sigmoid(t) = sigmoid(-t) on the upper side. */
function logSigmoidDiff(b: number, a: number): number {
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  return a > 0 ? Math.log(sig(-a) - sig(-b)) : Math.log(sig(b) - sig(a));
}

/** Reference log P(byte) in float64, straight from the definition (Salimans et al. 2017, eq. 2). */
function reference(byte: number, mean: number, logScale: number): number {
  const s = Math.exp(logScale);
  const x = byte / 255;
  const hi = (x + W / 2 - mean) / s;
  const lo = (x - W / 2 - mean) / s;
  if (byte === 0) return -Math.log1p(Math.exp(-hi));
  if (byte === 255) return -Math.log1p(Math.exp(lo));
  return logSigmoidDiff(hi, lo);
}

function perPixel(bytes: number[], mean: number[], logScale: number[]): number[] {
  return tf.tidy(() =>
    Array.from(
      logDiscretizedLogisticPerPixel(
        tf.tensor2d(bytes.map((b) => b / 255), [1, bytes.length]),
        tf.tensor2d(mean, [1, bytes.length]),
        tf.tensor2d(logScale, [1, bytes.length]),
      ).dataSync(),
    ),
  );
}

test('the 256 bin probabilities sum to 1, for narrow and wide scales and means inside and outside [0, 1]', () => {
  const bytes = Array.from({ length: 256 }, (_, b) => b);
  for (const [mean, logScale] of [[0.5, -3], [0.2, -7], [0.9, 0], [-0.3, -2], [1.4, 1], [0.5, 3], [0.0, -5.5]]) {
    const logP = perPixel(bytes, new Array(256).fill(mean), new Array(256).fill(logScale));
    const total = logP.reduce((sum, l) => sum + Math.exp(l), 0);
    assert.ok(Math.abs(total - 1) < 2e-4, `mean ${mean}, log s ${logScale}: sum ${total}`);
  }
});

test('per-pixel values match the float64 definition, edges and far tails included', () => {
  const cases: [number, number, number][] = [
    [128, 128 / 255, -3], // bin at the mean, narrow against s: density times width
    [100, 0.5, -6], // a few s from the mean
    [230, 0.1, -5], // 100+ s above the mean: the naive difference of CDFs is 0 in float32
    [5, 0.9, -5], // far below
    [0, 0.3, -2], // left edge takes the lower tail
    [255, 0.3, -2], // right edge takes the upper tail
    [0, -0.2, -4],
    [255, 1.3, -4],
    [77, 0.302, -8], // s far narrower than a bin, mean inside it
  ];
  const got = perPixel(cases.map((c) => c[0]), cases.map((c) => c[1]), cases.map((c) => c[2]));
  const expected = cases.map(([b, m, l]) => reference(b, m, l));
  // A hand check of the first case: P ~ w * pdf(0) = w / (4 s) at the logistic's peak, to O((w/s)^2).
  assert.ok(Math.abs(expected[0] - Math.log(W / (4 * Math.exp(-3)))) < 1e-3);
  assertClose(got, expected, 1e-4, 1e-4, 'log P');
});

test('the per-example value is the sum over pixels; gradients are finite everywhere', async () => {
  const x = tf.tensor2d([[0, 128 / 255, 1, 230 / 255], [77 / 255, 0, 1, 5 / 255]]);
  const mean = tf.tensor2d([[0.3, 0.5, 0.3, 0.1], [0.302, -0.2, 1.3, 0.9]]);
  const logScale = tf.tensor2d([[-2, -3, -2, -5], [-8, -4, -4, -5]]);
  await assertNoLeak(() => {
    const [sums, pixels] = tf.tidy(() => [logDiscretizedLogistic(x, mean, logScale).arraySync(), logDiscretizedLogisticPerPixel(x, mean, logScale).sum(1).arraySync()]);
    assertClose(sums as number[], pixels as number[], 1e-6, 1e-5, 'sum');
    const grads = tf.tidy(() => tf.grads((m: tf.Tensor, l: tf.Tensor) => logDiscretizedLogistic(x, m as tf.Tensor2D, l as tf.Tensor2D).sum())([mean, logScale]).map((g) => Array.from(g.dataSync())));
    for (const g of grads) for (const v of g) assert.ok(Number.isFinite(v), `gradient ${v}`);
  });
  // d/dmean log P > 0 when the pixel lies above the mean (moving the mean towards it raises P).
  const g = tf.tidy(() => Array.from(tf.grad((m: tf.Tensor) => logDiscretizedLogistic(tf.tensor2d([[0.6]]), m as tf.Tensor2D, tf.tensor2d([[-3]])).sum())(tf.tensor2d([[0.5]])).dataSync()));
  assert.ok(g[0] > 0);
  tf.dispose([x, mean, logScale]);
});

test('gradients match central finite differences of the float64 definition', () => {
  const cases: [number, number, number][] = [[100, 0.45, -4], [0, 0.05, -3], [255, 0.97, -3.5], [200, 0.3, -5], [128, 0.49, -2]];
  const x = tf.tensor2d(cases.map((c) => c[0] / 255), [1, cases.length]);
  const mean = tf.tensor2d(cases.map((c) => c[1]), [1, cases.length]);
  const logScale = tf.tensor2d(cases.map((c) => c[2]), [1, cases.length]);
  const [dMean, dLogScale] = tf.tidy(() =>
    tf.grads((m: tf.Tensor, l: tf.Tensor) => logDiscretizedLogistic(x, m as tf.Tensor2D, l as tf.Tensor2D).sum())([mean, logScale]).map((g) => Array.from(g.dataSync())),
  );
  const h = 1e-6;
  const fdMean = cases.map(([b, m, l]) => (reference(b, m + h, l) - reference(b, m - h, l)) / (2 * h));
  const fdLogScale = cases.map(([b, m, l]) => (reference(b, m, l + h) - reference(b, m, l - h)) / (2 * h));
  assertClose(dMean, fdMean, 1e-3, 1e-3, 'd/dmean');
  assertClose(dLogScale, fdLogScale, 1e-3, 1e-3, 'd/dlogScale');
  tf.dispose([x, mean, logScale]);
});
