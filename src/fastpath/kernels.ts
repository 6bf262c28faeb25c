/**
 * The kernels a fast path provides: plain functions over row-major Float32Arrays, written into the output
 * arrays they are given. In Node they come from vaekit's native addon (native/*.cc: OpenBLAS matrix products,
 * OpenMP loops), loaded by src/node/native.ts; nothing here depends on where they come from.
 */
export interface Kernels {
  /** C[m x n] = op(A) op(B) + beta * C, op = transpose where asked. */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, beta: number): void;
  /** y = act(y + bias) in place; `activation` indexes ACTIVATIONS. */
  biasActivation(y: Float32Array, bias: Float32Array, rows: number, cols: number, activation: number): void;
  /** dy *= act'(pre), from the layer's output y = act(pre). */
  activationGrad(dy: Float32Array, y: Float32Array, n: number, activation: number): void;
  columnSums(d: Float32Array, rows: number, cols: number, out: Float32Array): void;
  /** One Adam update of n values in place (PyTorch's arrangement, see src/train/adam.ts). */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, beta1: number, beta2: number, epsilon: number, stepSize: number, rootCorrection: number): void;
  /** z (samples*rows x k, sample-major) = mean + exp(logVar / 2) * eps from the encoder output [mean | logVar]; KL per row unless null. */
  gaussianHead(encOut: Float32Array, eps: Float32Array, rows: number, k: number, samples: number, z: Float32Array, kl: Float32Array | null): void;
  /** dL/d(encoder output) from dL/dz, with KL_r weighted by klWeight in L. */
  gaussianHeadGrad(encOut: Float32Array, eps: Float32Array, dz: Float32Array, rows: number, k: number, samples: number, klWeight: number, dEncOut: Float32Array): void;
  /**
   * log p(x|z) per decoder row (row i scores data row i % dataRows); `decoder` indexes DECODERS. With dOut,
   * also writes gradScale * d(-log p)/d(out).
   */
  logLikelihood(out: Float32Array, x: Float32Array, rows: number, dim: number, dataRows: number, decoder: number, sigma: number, minLogVar: number, logLik: Float32Array, dOut: Float32Array | null, gradScale: number): void;
  /** logW += log p(z) - log q(z|x) per row of z. */
  importanceCorrection(z: Float32Array, encOut: Float32Array, eps: Float32Array, rows: number, k: number, samples: number, logW: Float32Array): void;
  /** Dynamic binarization with src/rng.ts's generator: x[i] = uniform() < x[i] ? 1 : 0, state advanced in place. */
  bernoulliInPlace(x: Float32Array, n: number, state: Uint32Array): void;
  /** Rng.normal's Box-Muller draws into out; returns the second half of a last unfinished pair, or NaN. */
  fillNormal(out: Float32Array, n: number, state: Uint32Array): number;
  /** What does the work, e.g. the BLAS build and its thread count. */
  info(): { blas: string; threads: number; parallel: string };
}
