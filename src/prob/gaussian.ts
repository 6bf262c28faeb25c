import * as tf from '@tensorflow/tfjs';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Reparameterization trick (Kingma & Welling 2014, sec. 2.4): z = mean + exp(0.5 * logVar) * eps,
 * eps ~ N(0, I) given explicitly so that the caller owns the randomness.
 */
export function reparameterize(mean: tf.Tensor, logVar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)));
}

/**
 * KL(N(mean, diag(exp(logVar))) || N(0, I)) per example, summed over the last axis.
 * Kingma & Welling 2014, App. B: -KL = 0.5 * sum(1 + logVar - mean^2 - exp(logVar)).
 */
export function klStdNormal(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const terms = tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1));
    return tf.mul(tf.sum(terms, -1), 0.5);
  });
}

/**
 * log N(x; mean, diag(exp(logVar))) per example, summed over the last axis, with its constant:
 * -0.5 * sum(log(2 pi) + logVar + (x - mean)^2 / exp(logVar)).
 */
export function logNormal(x: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const sq = tf.mul(tf.square(tf.sub(x, mean)), tf.exp(tf.neg(logVar)));
    return tf.mul(tf.sum(tf.add(tf.add(sq, logVar), LOG_2PI), -1), -0.5);
  });
}

/** log N(x; 0, I) per example, summed over the last axis: -0.5 * sum(log(2 pi) + x^2). */
export function logStdNormal(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sum(tf.add(tf.square(x), LOG_2PI), -1), -0.5));
}

/**
 * log (1/K) sum_k N(z; means_k, diag(exp(logVars_k))) per row of z [n, d], for K diagonal Gaussians means,
 * logVars [K, d]: an equal-weight mixture, e.g. the VampPrior (Tomczak & Welling 2018, sec. 3). The quadratic
 * form is expanded, sum_j (z_j - m_j)^2 / v_j = z^2 . (1/v) - 2 z . (m/v) + m^2 . (1/v), so that it is three
 * matrix products [n, d] x [d, K] instead of an [n, K, d] tensor (20000 rows x 500 components x 40 dimensions
 * would be 1.6 GB).
 */
export function logNormalMixture(z: tf.Tensor2D, means: tf.Tensor2D, logVars: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [count, dim] = means.shape;
    const precision = tf.exp(tf.neg(logVars));
    const scaledMeans = tf.mul(means, precision);
    // Plain products of explicit transposes: on wasm a transposed operand takes a slow path (src/nn/dense.ts).
    const quad = tf.add(
      tf.sub(tf.matMul(tf.square(z), tf.transpose(precision)), tf.mul(tf.matMul(z, tf.transpose(scaledMeans)), 2)),
      tf.sum(tf.mul(means, scaledMeans), 1),
    );
    const logNorm = tf.add(tf.sum(logVars, 1), dim * LOG_2PI);
    const perComponent = tf.mul(tf.add(quad, logNorm), -0.5);
    return tf.sub(tf.logSumExp(perComponent, 1), Math.log(count)) as tf.Tensor1D;
  });
}

/**
 * log N(x; mean, sigma^2 I) per example for a fixed scalar sigma, with its constant:
 * -||x - mean||^2 / (2 sigma^2) - D * (log sigma + 0.5 log(2 pi)).
 */
export function logNormalFixedSigma(x: tf.Tensor, mean: tf.Tensor, sigma: number): tf.Tensor {
  return tf.tidy(() => {
    const dim = x.shape[x.shape.length - 1] as number;
    const sq = tf.sum(tf.square(tf.sub(x, mean)), -1);
    return tf.sub(tf.mul(sq, -1 / (2 * sigma * sigma)), dim * (Math.log(sigma) + 0.5 * LOG_2PI));
  });
}

/** A square matrix as rows of numbers. */
export type Matrix = ArrayLike<number>[];

/** Lower-triangular Cholesky factor L with S = L L^T, in float64; throws if S is not positive definite. */
export function cholesky(s: Matrix): Float64Array[] {
  const k = s.length;
  const l = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < k; i++) {
    if (s[i].length !== k) throw new Error(`cholesky: expected a ${k}x${k} matrix, row ${i} has ${s[i].length} entries`);
    for (let j = 0; j <= i; j++) {
      let sum = s[i][j];
      for (let p = 0; p < j; p++) sum -= l[i][p] * l[j][p];
      if (i === j) {
        if (!(sum > 0)) throw new Error('cholesky: matrix is not positive definite');
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  return l;
}

/** Solves L y = b for lower-triangular L (forward substitution). */
function forwardSolve(l: Float64Array[], b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) {
    let sum = b[i];
    for (let p = 0; p < i; p++) sum -= l[i][p] * y[p];
    y[i] = sum / l[i][i];
  }
  return y;
}

/**
 * KL(N(m1, S1) || N(m2, S2)) for full covariances, in float64:
 * 0.5 * [tr(S2^-1 S1) + (m2 - m1)^T S2^-1 (m2 - m1) - k + ln(det S2 / det S1)].
 * With S2 = L2 L2^T: tr(S2^-1 S1) = ||L2^-1 L1||_F^2, the quadratic form is ||L2^-1 (m2 - m1)||^2 and
 * ln det S = 2 sum ln diag(L).
 */
export function klGaussians(m1: ArrayLike<number>, s1: Matrix, m2: ArrayLike<number>, s2: Matrix): number {
  const k = m1.length;
  if (m2.length !== k || s1.length !== k || s2.length !== k) {
    throw new Error(`klGaussians: dimensions disagree (means ${m1.length} and ${m2.length}, covariances ${s1.length} and ${s2.length})`);
  }
  const l1 = cholesky(s1);
  const l2 = cholesky(s2);
  let trace = 0;
  for (let col = 0; col < k; col++) {
    const column = l1.map((row) => row[col]);
    const solved = forwardSolve(l2, column);
    for (const v of solved) trace += v * v;
  }
  const diff = Array.from({ length: k }, (_, i) => m2[i] - m1[i]);
  let quad = 0;
  for (const v of forwardSolve(l2, diff)) quad += v * v;
  let logDetRatio = 0;
  for (let i = 0; i < k; i++) logDetRatio += 2 * (Math.log(l2[i][i]) - Math.log(l1[i][i]));
  return 0.5 * (trace + quad - k + logDetRatio);
}
