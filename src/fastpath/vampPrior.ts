import { Kernels } from './kernels.js';
import { Workspace } from './mlp.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The VampPrior over plain arrays (Tomczak & Welling 2018, sec. 3): log p(z) = log (1/K) sum_k N(z; m_k,
 * diag exp(s_k)), the components [m_k | s_k] being the encoder's output at the K pseudo-inputs, and the gradient
 * of -log p(z) by z and by the components. The quadratic forms expand into matrix products, as
 * src/prob/gaussian.ts's logNormalMixture does on tfjs:
 *   (z - m)^2 / v summed over dimensions = z^2 . (1/v) - 2 z . (m / v) + m^2 . (1/v).
 */
export class VampPriorOnKernels {
  /** The last logDensity's draws, components and responsibilities r_ik, for the backward pass. */
  private saved: { z: Float32Array; n: number; comps: Float32Array; resp: Float32Array; precision: Float32Array; scaledMeans: Float32Array } | null = null;

  constructor(
    private readonly kernels: Kernels,
    private readonly work: Workspace,
    readonly count: number,
    readonly latentDim: number,
  ) {}

  /** log p(z_i) for the n draws z [n, latentDim] into logPrior [n], given the components [count, 2 * latentDim]. */
  logDensity(z: Float32Array, n: number, comps: Float32Array, logPrior: Float32Array): void {
    const { count: K, latentDim: k } = this;
    const { precision, scaledMeans } = this.split(comps);
    // constant_k = sum_j (m^2 / v + s) + k log 2 pi.
    const constant = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      let sum = k * LOG_2PI;
      for (let j = 0; j < k; j++) sum += comps[c * 2 * k + j] * scaledMeans[c * k + j] + comps[c * 2 * k + k + j];
      constant[c] = sum;
    }
    const zz = this.work.get('vamp.zz', n * k);
    for (let i = 0; i < n * k; i++) zz[i] = z[i] * z[i];
    const resp = this.work.get('vamp.resp', n * K);
    const cross = this.work.get('vamp.cross', n * K);
    this.kernels.gemm(false, true, n, K, k, zz, precision, resp, 0);
    this.kernels.gemm(false, true, n, K, k, z, scaledMeans, cross, 0);
    const logK = Math.log(K);
    for (let i = 0; i < n; i++) {
      const row = i * K;
      let max = -Infinity;
      for (let c = 0; c < K; c++) {
        const logN = -0.5 * (resp[row + c] - 2 * cross[row + c] + constant[c]);
        resp[row + c] = logN;
        if (logN > max) max = logN;
      }
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(resp[row + c] - max);
      logPrior[i] = max + Math.log(sum) - logK;
      for (let c = 0; c < K; c++) resp[row + c] = Math.exp(resp[row + c] - max) / sum;
    }
    this.saved = { z, n, comps, resp, precision, scaledMeans };
  }

  /**
   * After logDensity: dz_i += zWeight_i * d(-log p(z_i))/dz_i, and dComps [count, 2 * latentDim] (overwritten) =
   * sum_i compWeight_i * d(-log p(z_i))/d[m_k | s_k]. The two weights differ only for DReG, whose path
   * derivative through z weighs each draw otherwise than the prior's own parameters (src/fastpath/iwae.ts).
   *   d(-log p)/dz_j = sum_k r_k (z_j - m_kj) / v_kj
   *   d(-log p)/dm_kj = -r_k (z_j - m_kj) / v_kj
   *   d(-log p)/ds_kj = r_k (1 - (z_j - m_kj)^2 / v_kj) / 2
   */
  backward(zWeight: Float64Array, compWeight: Float64Array, dz: Float32Array, dComps: Float32Array): void {
    const { z, n, comps, resp, precision, scaledMeans } = this.saved!;
    const { count: K, latentDim: k } = this;
    // dz = z * (R P) - R (M P), each row weighed.
    const rp = this.work.get('vamp.rp', n * k);
    const rmp = this.work.get('vamp.rmp', n * k);
    this.kernels.gemm(false, false, n, k, K, resp, precision, rp, 0);
    this.kernels.gemm(false, false, n, k, K, resp, scaledMeans, rmp, 0);
    for (let i = 0; i < n; i++) {
      const w = zWeight[i];
      for (let j = i * k; j < (i + 1) * k; j++) dz[j] += w * (z[j] * rp[j] - rmp[j]);
    }
    // With R' = R weighed by compWeight per draw and rho_k = sum_i R'_ik: sums over draws as products R'^T z, R'^T z^2.
    const weighed = this.work.get('vamp.weighed', n * K);
    const rho = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const w = compWeight[i];
      for (let c = 0; c < K; c++) rho[c] += weighed[i * K + c] = w * resp[i * K + c];
    }
    const rz = this.work.get('vamp.rz', K * k);
    const rzz = this.work.get('vamp.rzz', K * k);
    const zz = this.work.get('vamp.zz', n * k);
    this.kernels.gemm(true, false, K, k, n, weighed, z, rz, 0);
    this.kernels.gemm(true, false, K, k, n, weighed, zz, rzz, 0);
    for (let c = 0; c < K; c++) {
      for (let j = 0; j < k; j++) {
        const m = comps[c * 2 * k + j];
        const p = precision[c * k + j];
        // sum_i R'_ik (z_ij - m)^2 = rzz - 2 m rz + m^2 rho.
        const squares = rzz[c * k + j] - 2 * m * rz[c * k + j] + m * m * rho[c];
        dComps[c * 2 * k + j] = -p * (rz[c * k + j] - m * rho[c]);
        dComps[c * 2 * k + k + j] = 0.5 * (rho[c] - p * squares);
      }
    }
  }

  /** 1 / v = exp(-s) and m / v per component [count, latentDim]. */
  private split(comps: Float32Array): { precision: Float32Array; scaledMeans: Float32Array } {
    const { count: K, latentDim: k } = this;
    const precision = this.work.get('vamp.precision', K * k);
    const scaledMeans = this.work.get('vamp.scaledMeans', K * k);
    for (let c = 0; c < K; c++) {
      for (let j = 0; j < k; j++) {
        precision[c * k + j] = Math.exp(-comps[c * 2 * k + k + j]);
        scaledMeans[c * k + j] = comps[c * 2 * k + j] * precision[c * k + j];
      }
    }
    return { precision, scaledMeans };
  }
}
