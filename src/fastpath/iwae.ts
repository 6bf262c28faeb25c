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

/** log q(z_i|x) of draw i = s * rows + r, z_i = mean_r + sigma_r * eps_i: log N(z; mean, sigma^2) with (z - mean) / sigma = eps. */
export function logPosterior(encOut: Float32Array, eps: Float32Array, i: number, rows: number, k: number): number {
  const logVar = ((i % rows) * 2 + 1) * k;
  let sum = 0;
  for (let j = 0; j < k; j++) sum -= 0.5 * (LOG_2PI + encOut[logVar + j] + eps[i * k + j] * eps[i * k + j]);
  return sum;
}

/**
 * From draws z_i = mean + sigma * eps_i (sample-major, i = s * rows + r) and their log p(x|z_i): log w_i =
 * log p(x|z_i) + beta * (log p(z_i) - log q(z_i|x)), the bound log (1/K) sum_s w_{s,r} per row (eq. 8), and in
 * `weights` each draw's normalized weight w~ (eq. 14) over the rows it belongs to. The prior is N(0, I) unless
 * `priorLogDensity` gives log p(z_i) per draw (the VampPrior).
 */
export function iwaeForward(
  encOut: Float32Array,
  eps: Float32Array,
  z: Float32Array,
  logLik: Float32Array,
  dims: { rows: number; latentDim: number; samples: number },
  beta: number,
  weights: Float64Array,
  priorLogDensity: Float32Array | null = null,
): IwaeMeans {
  const { rows, latentDim: k, samples } = dims;
  const drawn = rows * samples;
  let reconSum = 0;
  let klSum = 0;
  for (let i = 0; i < drawn; i++) {
    const logQ = logPosterior(encOut, eps, i, rows, k);
    let logPrior = 0;
    if (priorLogDensity) logPrior = priorLogDensity[i];
    else for (let j = i * k; j < (i + 1) * k; j++) logPrior -= 0.5 * (LOG_2PI + z[j] * z[j]);
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

/*
 * The doubly reparameterized gradient (DReG; Tucker, Lawson, Gu & Maddison 2019, eq. 5/6) of the bound by the
 * encoder: only the path derivative through each z_i, each draw's weighted w~_i^2 instead of w~_i, and no
 * score-function (entropy) term. With a KL weight beta the rewritten score term is beta times the paper's, so
 * draw i's weight is w~_i * (1 - beta + beta * w~_i): w~_i^2 at beta = 1, w~_i (the standard estimator, which has
 * no score term then) at beta = 0, and 1 (sticking the landing, Roeder et al. 2017) at K = 1 for every beta.
 */

/**
 * DReG's factor on draw i's IWAE weight, 1 - beta + beta * w~_i: from E_q[f(z) d log q/dphi] = E[df/dz dz/dphi]
 * with f = w~_i, whose dw~_i/dz_i = w~_i (1 - w~_i) d log w_i/dz_i (Tucker et al. 2019, eq. 5).
 */
export function dregFactor(weight: number, beta: number): number {
  return 1 - beta + beta * weight;
}

/** Each draw's DReG weight w~_i * dregFactor(w~_i) into `out` [drawn], which it returns. */
export function dregWeights(weights: Float64Array, beta: number, out: Float64Array): Float64Array {
  for (let i = 0; i < weights.length; i++) out[i] = weights[i] * dregFactor(weights[i], beta);
  return out;
}

/**
 * Scales each draw's row of dz [drawn, k], there -(w~_i / rows) d log p(x|z_i)/dz_i from the decoder's backward
 * pass, by dregFactor(w~_i), so that it carries the draw's DReG weight instead of its IWAE weight.
 */
export function reweighPathGrad(dz: Float32Array, k: number, weights: Float64Array, beta: number): void {
  for (let i = 0; i < weights.length; i++) {
    const c = dregFactor(weights[i], beta);
    for (let j = i * k, end = j + k; j < end; j++) dz[j] *= c;
  }
}

/**
 * Adds -log q(z|x)'s path derivative to dz [drawn, k], q's parameters held fixed: d(-log q)/dz = (z - mean) /
 * sigma^2 = eps / sigma, so draw i (weight c_i, the DReG weight) gains -(c_i / rows) * beta * eps_i / sigma, with
 * sigma = exp(0.5 * logVar) from the second half of encOut [rows, 2k].
 */
export function addPathEntropyGrad(encOut: Float32Array, eps: Float32Array, weights: Float64Array, rows: number, k: number, beta: number, dz: Float32Array): void {
  for (let i = 0; i < weights.length; i++) {
    const c = -(weights[i] / rows) * beta;
    const logVar = ((i % rows) * 2 + 1) * k;
    for (let j = 0; j < k; j++) dz[i * k + j] += c * eps[i * k + j] * Math.exp(-0.5 * encOut[logVar + j]);
  }
}
