import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createModel } from '../../src/models/create.js';
import { Pca } from '../../src/models/pca.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const DIM = 8;
const N = 300;

/** Correlated data: x = A s + offset with s ~ U(0, 1)^DIM and a fixed mixing matrix A, in [0, 1]-ish. */
function data(seed: number): Float32Array {
  const r = new Rng(seed);
  const a = Array.from({ length: DIM * DIM }, () => r.uniform() * 0.3);
  const x = new Float32Array(N * DIM);
  for (let n = 0; n < N; n++) {
    const s = Array.from({ length: DIM }, (_, i) => r.uniform() * (i + 1) * 0.3);
    for (let i = 0; i < DIM; i++) {
      let v = 0.1;
      for (let j = 0; j < DIM; j++) v += a[i * DIM + j] * s[j];
      x[n * DIM + i] = v;
    }
  }
  return x;
}

/** Mean and covariance (1/n) in float64, computed directly. */
function moments(x: Float32Array): { mean: number[]; cov: number[][] } {
  const mean = new Array(DIM).fill(0);
  for (let n = 0; n < N; n++) for (let i = 0; i < DIM; i++) mean[i] += x[n * DIM + i] / N;
  const cov = Array.from({ length: DIM }, () => new Array(DIM).fill(0));
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < DIM; i++) for (let j = 0; j < DIM; j++) cov[i][j] += ((x[n * DIM + i] - mean[i]) * (x[n * DIM + j] - mean[j])) / N;
  }
  return { mean, cov };
}

function fitted(k: number, x: Float32Array): Pca {
  const pca = new Pca({ kind: 'pca', latentDim: k }, DIM);
  // In three uneven batches: the fit must not depend on how the data is cut.
  pca.fit([x.subarray(0, 100 * DIM), x.subarray(100 * DIM, 250 * DIM), x.subarray(250 * DIM)]);
  return pca;
}

test('PCA: orthonormal directions, each an eigenvector of the exact covariance, variances in decreasing order', () => {
  const x = data(1);
  const { mean, cov } = moments(x);
  const pca = fitted(DIM, x);
  const w = pca.params.get('pca.components').arraySync() as number[][]; // [DIM, k]
  const variance = pca.params.get('pca.variance').dataSync();
  assertClose(pca.params.get('pca.mean').dataSync(), mean, 1e-5, 1e-6, 'mean');
  for (let a = 0; a < DIM; a++) {
    for (let b = 0; b < DIM; b++) {
      const dot = w.reduce((s, row) => s + row[a] * row[b], 0);
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-5, `w${a} . w${b} = ${dot}`);
    }
    // C w_a = lambda_a w_a, checked against the covariance computed above.
    const cw = cov.map((row) => row.reduce((s, c, j) => s + c * w[j][a], 0));
    assertClose(cw, w.map((row) => variance[a] * row[a]), 1e-3, 1e-6, `C w${a}`);
    if (a > 0) assert.ok(variance[a] <= variance[a - 1], `variance ${a} above ${a - 1}`);
  }
  // The eigenvalues add up to the total variance.
  const trace = cov.reduce((s, row, i) => s + row[i], 0);
  assert.ok(Math.abs(Array.from(variance).reduce((s, v) => s + v, 0) - trace) < 1e-5 * trace);
  assert.ok(Math.abs(pca.explainedVariance() - 1) < 1e-5);
  pca.dispose();
});

test('PCA at full rank reconstructs exactly; at rank k its squared error is the sum of the discarded variances', async () => {
  const x = data(2);
  const full = fitted(DIM, x);
  const xt = tf.tensor2d(x, [N, DIM]);
  await assertNoLeak(() => tf.tidy(() => assertClose(full.decodeMean(full.encodeMean(xt)).dataSync(), x, 1e-4, 1e-5, 'reconstruction'))); 
  const variance = full.params.get('pca.variance').dataSync();
  for (const k of [1, 3, 5]) {
    const pca = fitted(k, x);
    const mse = tf.tidy(() => tf.mean(pca.lossTerms({ x: xt }).recon).dataSync()[0]);
    const discarded = Array.from(variance.subarray(k)).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(mse - discarded) < 1e-4 * discarded + 1e-6, `k=${k}: squared error ${mse}, discarded variance ${discarded}`);
    const kept = Array.from(variance.subarray(0, k)).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(pca.explainedVariance() - kept / (kept + discarded)) < 1e-5);
    if (k > 1) assert.deepEqual(pca.encodeMean(xt).shape, [N, k]);
    pca.dispose();
  }
  xt.dispose();
  full.dispose();
});

test('PCA has no prior, survives a checkpoint round trip, and refuses more directions than dimensions', () => {
  const pca = createModel({ kind: 'pca', latentDim: 3 }, DIM, 0) as Pca;
  assert.equal(pca.prior, null);
  pca.fit([data(3)]);
  const bytes = encodeCheckpoint({ meta: {}, tensors: pca.params.snapshot() });
  const copy = new Pca({ kind: 'pca', latentDim: 3 }, DIM);
  copy.params.load(decodeCheckpoint(bytes, 'memory').tensors);
  assert.equal(copy.explainedVariance(), pca.explainedVariance());
  tf.tidy(() => {
    const x = tf.tensor2d(data(4), [N, DIM]);
    assert.deepEqual(copy.decodeMean(copy.encodeMean(x)).dataSync(), pca.decodeMean(pca.encodeMean(x)).dataSync());
  });
  assert.throws(() => new Pca({ kind: 'pca', latentDim: DIM + 1 }, DIM), /exceeds/);
  pca.dispose();
  copy.dispose();
});
