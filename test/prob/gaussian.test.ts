import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  cholesky,
  klGaussians,
  klStdNormal,
  logNormal,
  logNormalFixedSigma,
  logStdNormal,
  reparameterize,
} from '../../src/prob/gaussian.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Runs a tensor function inside tidy and returns its values as plain numbers. */
function values(f: () => tf.Tensor): number[] {
  const t = tf.tidy(f);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** Mean and standard error of the mean of a sample. */
function meanAndStdErr(xs: Float64Array): { mean: number; stdErr: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, stdErr: Math.sqrt(ss / (xs.length - 1) / xs.length) };
}

// ---------------------------------------------------------------------------------------------------------------
// Plain float64 linear algebra written independently of src (Gauss-Jordan, no Cholesky).

type Mat = number[][];

function matMul(a: Mat, b: Mat): Mat {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, p) => s + v * b[p][j], 0)));
}

function transpose(a: Mat): Mat {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/** Inverse and determinant by Gauss-Jordan elimination with partial pivoting. */
function inverseAndDet(a: Mat): { inv: Mat; det: number } {
  const k = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: k }, (_, j) => (i === j ? 1 : 0))]);
  let det = 1;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (p !== c) {
      [m[p], m[c]] = [m[c], m[p]];
      det = -det;
    }
    const piv = m[c][c];
    det *= piv;
    for (let j = 0; j < 2 * k; j++) m[c][j] /= piv;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * k; j++) m[r][j] -= f * m[c][j];
    }
  }
  return { inv: m.map((row) => row.slice(k)), det };
}

/** log N(z; m, S) in float64 from an explicit inverse and determinant. */
function logDensity(z: number[], m: number[], inv: Mat, det: number): number {
  const d = z.map((v, i) => v - m[i]);
  let quad = 0;
  for (let i = 0; i < d.length; i++) for (let j = 0; j < d.length; j++) quad += d[i] * inv[i][j] * d[j];
  return -d.length * HALF_LOG_2PI - 0.5 * Math.log(det) - 0.5 * quad;
}

/** KL(N(m1, S1) || N(m2, S2)) from the textbook formula with an explicit inverse. */
function klReference(m1: number[], s1: Mat, m2: number[], s2: Mat): number {
  const k = m1.length;
  const { inv: inv2, det: det2 } = inverseAndDet(s2);
  const { det: det1 } = inverseAndDet(s1);
  const prod = matMul(inv2, s1);
  let trace = 0;
  for (let i = 0; i < k; i++) trace += prod[i][i];
  const d = m2.map((v, i) => v - m1[i]);
  let quad = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) quad += d[i] * inv2[i][j] * d[j];
  return 0.5 * (trace + quad - k + Math.log(det2 / det1));
}

/** A random k x k matrix A with entries in (-1, 1), and S = A A^T + 0.5 I. */
function randomSpd(k: number, rng: Rng): { a: Mat; s: Mat } {
  const a = Array.from({ length: k }, () => Array.from({ length: k }, () => 2 * rng.uniform() - 1));
  const s = matMul(a, transpose(a)).map((row, i) => row.map((v, j) => v + (i === j ? 0.5 : 0)));
  return { a, s };
}

function diag(v: number[]): Mat {
  return v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
}

// ---------------------------------------------------------------------------------------------------------------
// klStdNormal

test('klStdNormal matches a seeded Monte Carlo estimate of E_q[log q(z) - log p(z)]', () => {
  const means = [
    [0.5, -1, 2],
    [-2, 0.1, 0],
    [0, 0, 0],
    [0.3, 0.3, -0.3],
  ];
  const logVars = [
    [0.3, -0.7, 1.2],
    [-2, 0.5, 0],
    [1.5, -1.5, 0.2],
    [0, 0, 0],
  ];
  const kl = values(() => klStdNormal(tf.tensor2d(means), tf.tensor2d(logVars)));
  assert.equal(kl.length, means.length);

  const n = 200_000;
  const rng = new Rng(1234, 1);
  means.forEach((mean, row) => {
    const logVar = logVars[row];
    const draws = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      let logQ = 0;
      let logP = 0;
      for (let j = 0; j < mean.length; j++) {
        const eps = rng.normal();
        const z = mean[j] + Math.exp(0.5 * logVar[j]) * eps;
        logQ += -HALF_LOG_2PI - 0.5 * logVar[j] - 0.5 * ((z - mean[j]) ** 2) / Math.exp(logVar[j]);
        logP += -HALF_LOG_2PI - 0.5 * z * z;
      }
      draws[s] = logQ - logP;
    }
    const { mean: mc, stdErr } = meanAndStdErr(draws);
    const tol = 4 * stdErr + 1e-5 * Math.abs(mc);
    assert.ok(Math.abs(kl[row] - mc) <= tol, `row ${row}: klStdNormal ${kl[row]} vs Monte Carlo ${mc} +- ${stdErr}`);
  });
});

test('klStdNormal is exactly 0 for mean 0, logVar 0 and positive otherwise', () => {
  const kl = values(() => klStdNormal(tf.zeros([2, 5]), tf.zeros([2, 5])));
  assert.deepEqual(kl, [0, 0]);
  const pos = values(() => klStdNormal(tf.tensor2d([[1e-2, 0]]), tf.tensor2d([[0, -1e-2]])));
  assert.ok(pos[0] > 0, `KL ${pos[0]} should be > 0`);
});

test('klStdNormal sums over the last axis only', () => {
  // [2, 2, 3]: the closed form, row by row, in float64.
  const mean = [[[0.1, 0.2, 0.3], [1, -1, 0]], [[0, 0, 0], [2, 0, -2]]];
  const logVar = [[[0, 1, -1], [0.5, 0.5, 0.5]], [[-3, 0, 3], [0, 0, 0]]];
  const expected = mean.flatMap((m2, a) =>
    m2.map((m, b) => m.reduce((s, mu, j) => s + 0.5 * (mu * mu + Math.exp(logVar[a][b][j]) - 1 - logVar[a][b][j]), 0)),
  );
  const kl = tf.tidy(() => klStdNormal(tf.tensor3d(mean), tf.tensor3d(logVar)));
  assert.deepEqual(kl.shape, [2, 2]);
  assertClose(kl.dataSync(), expected, 1e-5, 1e-6, 'kl');
  kl.dispose();
});

// ---------------------------------------------------------------------------------------------------------------
// Log densities

test('logNormal equals hand-computed float64 values with the 0.5 log(2 pi) constant', () => {
  const x = [[1.5, -0.5, 0], [0, 0, 3]];
  const mean = [[0.5, 0.5, 0], [1, -1, 2]];
  const logVar = [[0, Math.log(4), -1], [2, -2, 0.7]];
  // Product of univariate densities, exp'd and logged: independent of the summed form in src.
  const expected = x.map((row, i) => {
    let p = 1;
    row.forEach((xv, j) => {
      const v = Math.exp(logVar[i][j]);
      p *= Math.exp(-((xv - mean[i][j]) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    });
    return Math.log(p);
  });
  // First row by hand: -3 * 0.5 log(2 pi) - 0.5 (0 + log 4 - 1) - 0.5 (1 + 1/4 + 0).
  assert.ok(Math.abs(expected[0] - (-3 * HALF_LOG_2PI - 0.5 * (Math.log(4) - 1) - 0.5 * 1.25)) < 1e-12);
  const got = values(() => logNormal(tf.tensor2d(x), tf.tensor2d(mean), tf.tensor2d(logVar)));
  assertClose(got, expected, 1e-5, 1e-6, 'logNormal');
});

test('logStdNormal equals -0.5 sum(log(2 pi) + x^2)', () => {
  const x = [[0, 0], [1, -2], [3.5, 0.25]];
  const expected = x.map((row) => row.reduce((s, v) => s - HALF_LOG_2PI - 0.5 * v * v, 0));
  // [0, 0] is exactly -log(2 pi).
  assert.equal(expected[0], -2 * HALF_LOG_2PI);
  assertClose(values(() => logStdNormal(tf.tensor2d(x))), expected, 1e-6, 1e-6, 'logStdNormal');
  // ... and agrees with logNormal at mean 0, logVar 0.
  assertClose(
    values(() => logStdNormal(tf.tensor2d(x))),
    values(() => logNormal(tf.tensor2d(x), tf.zeros([3, 2]), tf.zeros([3, 2]))),
    1e-6,
    1e-6,
    'logStdNormal vs logNormal',
  );
});

test('logNormalFixedSigma equals hand values and logNormal with logVar = 2 log sigma', () => {
  const x = [[0.2, 0.9, 0.4, 0], [1, 1, 1, 1]];
  const mean = [[0.1, 0.5, 0.5, 0.3], [0, 0.5, 1, 2]];
  for (const sigma of [0.1, 1, 3]) {
    const expected = x.map((row, i) =>
      row.reduce((s, v, j) => s - Math.log(sigma) - HALF_LOG_2PI - ((v - mean[i][j]) ** 2) / (2 * sigma * sigma), 0),
    );
    const got = values(() => logNormalFixedSigma(tf.tensor2d(x), tf.tensor2d(mean), sigma));
    assertClose(got, expected, 1e-5, 1e-5, `logNormalFixedSigma(sigma=${sigma})`);
    const viaLogNormal = values(() => logNormal(tf.tensor2d(x), tf.tensor2d(mean), tf.fill([2, 4], 2 * Math.log(sigma))));
    assertClose(got, viaLogNormal, 1e-5, 1e-5, `logNormalFixedSigma vs logNormal (sigma=${sigma})`);
  }
});

test('the density functions leave no tensors behind', async () => {
  const x = tf.tensor2d([[1, 2]]);
  const m = tf.tensor2d([[0, 1]]);
  const lv = tf.tensor2d([[0.5, -0.5]]);
  await assertNoLeak(() => {
    for (const t of [logNormal(x, m, lv), logStdNormal(x), logNormalFixedSigma(x, m, 0.5), klStdNormal(m, lv), reparameterize(m, lv, x)]) {
      t.dispose();
    }
  });
  tf.dispose([x, m, lv]);
});

// ---------------------------------------------------------------------------------------------------------------
// reparameterize

test('reparameterize computes mean + exp(logVar / 2) * eps element-wise', () => {
  const rng = new Rng(7, 2);
  const shape = [4, 3];
  const mean = Array.from({ length: 12 }, () => 4 * rng.uniform() - 2);
  const logVar = Array.from({ length: 12 }, () => 6 * rng.uniform() - 3);
  const eps = Array.from({ length: 12 }, () => rng.normal());
  const expected = mean.map((m, i) => m + Math.exp(logVar[i] / 2) * eps[i]);
  const got = values(() => reparameterize(tf.tensor(mean, shape), tf.tensor(logVar, shape), tf.tensor(eps, shape)));
  assertClose(got, expected, 1e-5, 1e-6, 'z');
});

test('reparameterized samples have mean `mean` and variance exp(logVar)', () => {
  const n = 100_000;
  const mean = [1, -2, 0];
  const logVar = [0.5, -1, 1.5];
  const d = mean.length;
  const rng = new Rng(99, 3);
  const eps = rng.fillNormal(new Float32Array(n * d));
  const z = values(() =>
    reparameterize(tf.tile(tf.tensor2d([mean]), [n, 1]), tf.tile(tf.tensor2d([logVar]), [n, 1]), tf.tensor2d(eps, [n, d])),
  );
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += z[i * d + j];
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (z[i * d + j] - m) ** 2;
    const v = ss / (n - 1);
    const variance = Math.exp(logVar[j]);
    const meanTol = 4 * Math.sqrt(variance / n);
    const varTol = 4 * variance * Math.sqrt(2 / (n - 1));
    assert.ok(Math.abs(m - mean[j]) <= meanTol, `dim ${j}: sample mean ${m} vs ${mean[j]} (tol ${meanTol})`);
    assert.ok(Math.abs(v - variance) <= varTol, `dim ${j}: sample variance ${v} vs ${variance} (tol ${varTol})`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// cholesky and klGaussians

test('cholesky reconstructs S = L L^T with L lower-triangular and a positive diagonal', () => {
  const rng = new Rng(5, 4);
  for (const k of [1, 2, 3, 5]) {
    const { s } = randomSpd(k, rng);
    const l = cholesky(s).map((row) => Array.from(row));
    for (let i = 0; i < k; i++) {
      assert.ok(l[i][i] > 0, `L[${i}][${i}] = ${l[i][i]}`);
      for (let j = i + 1; j < k; j++) assert.equal(l[i][j], 0, `L[${i}][${j}] above the diagonal`);
    }
    const back = matMul(l, transpose(l));
    assertClose(back.flat(), s.flat(), 1e-12, 1e-12, `L L^T (k=${k})`);
  }
  // A known case: [[4, 2], [2, 3]] = [[2, 0], [1, sqrt 2]] [[2, 1], [0, sqrt 2]].
  assertClose(cholesky([[4, 2], [2, 3]]).flatMap((r) => Array.from(r)), [2, 0, 1, Math.SQRT2], 1e-15, 0, 'L');
});

test('cholesky throws on a matrix that is not positive definite, or not square', () => {
  assert.throws(() => cholesky([[1, 2], [2, 1]]), /not positive definite/);
  assert.throws(() => cholesky([[0, 0], [0, 1]]), /not positive definite/);
  assert.throws(() => cholesky([[-1]]), /not positive definite/);
  assert.throws(() => cholesky([[1, 0, 0], [0, 1], [0, 0, 1]]), /3x3 matrix, row 1 has 2 entries/);
});

test('klGaussians equals the diagonal closed form when both covariances are diagonal', () => {
  const m1 = [0.5, -1, 2, 0];
  const logVar = [0.3, -0.7, 1.2, 0];
  const v1 = logVar.map(Math.exp);
  // Second is N(0, I): Kingma & Welling's closed form.
  const klStd = 0.5 * m1.reduce((s, m, j) => s + m * m + v1[j] - 1 - logVar[j], 0);
  assert.ok(Math.abs(klGaussians(m1, diag(v1), [0, 0, 0, 0], diag([1, 1, 1, 1])) - klStd) < 1e-12);
  // ... and agrees with klStdNormal on tensors (float32).
  const fromTensor = values(() => klStdNormal(tf.tensor2d([m1]), tf.tensor2d([logVar])));
  assertClose(fromTensor, [klGaussians(m1, diag(v1), [0, 0, 0, 0], diag([1, 1, 1, 1]))], 1e-5, 1e-6, 'klStdNormal vs klGaussians');
  // General diagonal second: 0.5 * sum(v1/v2 + (m2 - m1)^2 / v2 - 1 + log v2 - log v1).
  const m2 = [1, 1, -1, 0.5];
  const v2 = [2, 0.5, 3, 0.25];
  const klDiag = 0.5 * m1.reduce((s, m, j) => s + v1[j] / v2[j] + (m2[j] - m) ** 2 / v2[j] - 1 + Math.log(v2[j]) - Math.log(v1[j]), 0);
  assert.ok(Math.abs(klGaussians(m1, diag(v1), m2, diag(v2)) - klDiag) < 1e-12);
});

test('klGaussians is 0 for identical distributions', () => {
  const { s } = randomSpd(4, new Rng(11, 5));
  const m = [0.1, -3, 2, 7];
  assert.ok(Math.abs(klGaussians(m, s, m, s)) < 1e-12, `KL(p || p) = ${klGaussians(m, s, m, s)}`);
});

test('klGaussians matches the textbook formula and a Monte Carlo estimate for a full-covariance 3x3 pair', () => {
  const rng = new Rng(2024, 6);
  const k = 3;
  const { a: a1, s: s1 } = randomSpd(k, rng);
  const { s: s2 } = randomSpd(k, rng);
  const m1 = [0.3, -0.5, 1];
  const m2 = [-0.2, 0.4, 0.5];
  const kl = klGaussians(m1, s1, m2, s2);
  assert.ok(Math.abs(kl - klReference(m1, s1, m2, s2)) < 1e-10 * Math.max(1, Math.abs(kl)), `${kl} vs ${klReference(m1, s1, m2, s2)}`);

  // z = m1 + A1 e1 + sqrt(0.5) e2 has covariance A1 A1^T + 0.5 I = S1 without any factorization.
  const { inv: inv1, det: det1 } = inverseAndDet(s1);
  const { inv: inv2, det: det2 } = inverseAndDet(s2);
  const n = 200_000;
  const draws = new Float64Array(n);
  const mc = new Rng(2024, 7);
  const z = new Array<number>(k);
  for (let s = 0; s < n; s++) {
    const e1 = [mc.normal(), mc.normal(), mc.normal()];
    for (let i = 0; i < k; i++) z[i] = m1[i] + a1[i][0] * e1[0] + a1[i][1] * e1[1] + a1[i][2] * e1[2] + Math.SQRT1_2 * mc.normal();
    draws[s] = logDensity(z, m1, inv1, det1) - logDensity(z, m2, inv2, det2);
  }
  const { mean, stdErr } = meanAndStdErr(draws);
  assert.ok(Math.abs(kl - mean) <= 4 * stdErr, `klGaussians ${kl} vs Monte Carlo ${mean} +- ${stdErr}`);
});

test('klGaussians is asymmetric', () => {
  const m1 = [0, 0];
  const s1 = [[1, 0.5], [0.5, 2]];
  const m2 = [1, -1];
  const s2 = [[0.3, 0], [0, 0.4]];
  const pq = klGaussians(m1, s1, m2, s2);
  const qp = klGaussians(m2, s2, m1, s1);
  assert.ok(Math.abs(pq - klReference(m1, s1, m2, s2)) < 1e-10, 'KL(p || q)');
  assert.ok(Math.abs(qp - klReference(m2, s2, m1, s1)) < 1e-10, 'KL(q || p)');
  assert.ok(Math.abs(pq - qp) > 1, `KL(p || q) = ${pq} and KL(q || p) = ${qp} should differ`);
});

test('klGaussians throws on dimension mismatch and on a covariance that is not positive definite', () => {
  const i2 = [[1, 0], [0, 1]];
  const i3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  assert.throws(() => klGaussians([0, 0], i2, [0, 0, 0], i2), /dimensions disagree \(means 2 and 3, covariances 2 and 2\)/);
  assert.throws(() => klGaussians([0, 0], i2, [0, 0], i3), /dimensions disagree \(means 2 and 2, covariances 2 and 3\)/);
  assert.throws(() => klGaussians([0, 0], i3, [0, 0], i2), /dimensions disagree/);
  assert.throws(() => klGaussians([0, 0], i2, [0, 0], [[1, 2], [2, 1]]), /not positive definite/);
});
