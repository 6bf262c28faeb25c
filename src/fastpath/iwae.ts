/**
 * The importance-weighted bound's head over plain arrays (Burda, Grosse & Salakhutdinov 2016): the per-draw
 * log-weights from the decoder's log p(x|z), the prior and q(z|x), the bound, and the weights its gradient
 * needs. rows * samples * latentDim values: small next to the networks, so plain loops serve.
 */

const LOG_2PI = Math.log(2 * Math.PI);

/** Batch means of the negative bound and of the ELBO's terms on the same draws. */
export interface IwaeMeans {
  total: number;
  recon: number;
  kl: number;
}

/**
 * From draws z_i = mean + sigma * eps_i (sample-major, i = s * rows + r) and their log p(x|z_i): log w_i =
 * log p(x|z_i) + beta * (log p(z_i) - log q(z_i|x)), the bound log (1/K) sum_s w_{s,r} per row (eq. 8), and in
 * `weights` each draw's normalized weight w~ (eq. 14) over the rows it belongs to. The prior is N(0, I).
 */
export function iwaeForward(
  encOut: Float32Array,
  eps: Float32Array,
  z: Float32Array,
  logLik: Float32Array,
  dims: { rows: number; latentDim: number; samples: number },
  beta: number,
  weights: Float64Array,
): IwaeMeans {
  const { rows, latentDim: k, samples } = dims;
  const drawn = rows * samples;
  let reconSum = 0;
  let klSum = 0;
  for (let i = 0; i < drawn; i++) {
    const r = i % rows;
    let logQ = 0;
    let logPrior = 0;
    for (let j = 0; j < k; j++) {
      const e = eps[i * k + j];
      const zj = z[i * k + j];
      // log N(z; mean, sigma^2) with (z - mean) / sigma = eps.
      logQ -= 0.5 * (LOG_2PI + encOut[r * 2 * k + k + j] + e * e);
      logPrior -= 0.5 * (LOG_2PI + zj * zj);
    }
    reconSum -= logLik[i];
    klSum += logQ - logPrior;
    weights[i] = logLik[i] + beta * (logPrior - logQ);
  }
  let boundSum = 0;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let s = 0; s < samples; s++) max = Math.max(max, weights[s * rows + r]);
    let sum = 0;
    for (let s = 0; s < samples; s++) sum += Math.exp(weights[s * rows + r] - max);
    boundSum += max + Math.log(sum) - Math.log(samples);
    for (let s = 0; s < samples; s++) weights[s * rows + r] = Math.exp(weights[s * rows + r] - max) / sum;
  }
  return { total: -boundSum / rows, recon: reconSum / drawn, kl: klSum / drawn };
}

/**
 * Scales each draw's row of d(-log p(x|z))/d(decoder output) [drawn, width] by w~_i / rows: the derivative of
 * the batch mean of the negative bound by that draw's log p(x|z_i) is -w~_i / rows (eq. 14).
 */
export function weighDecoderGrad(dDecOut: Float32Array, width: number, weights: Float64Array, rows: number): void {
  for (let i = 0; i < weights.length; i++) {
    const c = weights[i] / rows;
    for (let j = i * width, end = j + width; j < end; j++) dDecOut[j] *= c;
  }
}

/** Adds the prior's share to dz [drawn, k]: -(w~_i / rows) * beta * d log p(z_i)/dz_i, with d log N(z; 0, I)/dz = -z. */
export function addPriorGrad(z: Float32Array, weights: Float64Array, rows: number, k: number, beta: number, dz: Float32Array): void {
  for (let i = 0; i < weights.length; i++) {
    const c = (weights[i] / rows) * beta;
    for (let j = i * k, end = j + k; j < end; j++) dz[j] += c * z[j];
  }
}

/**
 * Adds -log q(z|x)'s share to d/d(logVar) of dEncOut [rows, 2k]. With z reparameterized, log q(z|x) =
 * -0.5 * sum(log 2 pi + logVar + eps^2): its total derivative by the mean is 0 and by each logVar -0.5, and the
 * weights of a row's draws sum to 1, so each logVar gains -0.5 * beta / rows.
 */
export function addEntropyGrad(rows: number, k: number, beta: number, dEncOut: Float32Array): void {
  const g = (-0.5 * beta) / rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) dEncOut[r * 2 * k + k + j] += g;
}
