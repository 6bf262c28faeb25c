import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ParamStore } from '../nn/params.js';
import { Batch, CodeModel, LossTerms } from './types.js';
import { PcaConfig } from './pcaConfig.js';

export { PCA_DEFAULTS } from './pcaConfig.js';
export type { PcaConfig } from './pcaConfig.js';

/** What a fit reports. */
export interface PcaFitReport {
  /** Share of the training set's total variance along the kept directions, in [0, 1]. */
  explainedVariance: number;
}

/** A model fitted in closed form rather than by gradient steps (registry trainer 'fit'). */
export interface FittedModel extends CodeModel {
  /** Fits the model to the training images, given once as batches [rows * dim] laid out image after image. */
  fit(batches: Iterable<Float32Array>): Record<string, number>;
}

export function isFittedModel(m: object): m is FittedModel {
  return typeof (m as Partial<FittedModel>).fit === 'function';
}

/**
 * PCA: mu is the training mean, the columns of W [dim, k] the eigenvectors of the sample covariance
 * C = (1/n) sum (x - mu)(x - mu)^T with the k largest eigenvalues, found by an exact symmetric
 * eigendecomposition (ml-matrix: Householder tridiagonalization and the QL algorithm, JAMA's tred2/tql2).
 * Encode h = W^T (x - mu), decode x^ = W h + mu: the rank-k reconstruction with least squared error
 * (Eckart & Young 1936). Parameters are stored like any model's, so checkpoints, eval and views work as usual.
 */
export class Pca implements FittedModel {
  readonly kind = 'pca';
  readonly params = new ParamStore();
  readonly latentDim: number;
  /** PCA defines no density over codes (probabilistic PCA would). */
  readonly prior = null;

  constructor(readonly config: PcaConfig, readonly inputDim: number) {
    if (config.latentDim > inputDim) throw new Error(`pca: latentDim ${config.latentDim} exceeds the data's ${inputDim} dimensions`);
    this.latentDim = config.latentDim;
    this.params.add('pca.mean', tf.zeros([inputDim]));
    this.params.add('pca.components', tf.zeros([inputDim, config.latentDim]));
    this.params.add('pca.variance', tf.zeros([config.latentDim]));
    this.params.add('pca.totalVariance', tf.zeros([1]));
  }

  private get mean(): tf.Tensor1D {
    return this.params.get('pca.mean') as tf.Tensor as tf.Tensor1D;
  }

  private get components(): tf.Tensor2D {
    return this.params.get('pca.components') as tf.Tensor as tf.Tensor2D;
  }

  fit(batches: Iterable<Float32Array>): Record<string, number> & PcaFitReport {
    const d = this.inputDim;
    const k = this.latentDim;
    // Sums of x and x x^T in float64 across batches; each batch's product in float32 on the engine.
    const secondMoment = new Float64Array(d * d);
    const sum = new Float64Array(d);
    let n = 0;
    for (const x of batches) {
      const rows = x.length / d;
      const [xtx, colSum] = tf.tidy(() => {
        const xt = tf.tensor2d(x, [rows, d]);
        // Explicit transpose, then a plain product: the fast path on wasm.
        return [tf.matMul(tf.transpose(xt), xt).dataSync(), tf.sum(xt, 0).dataSync()];
      });
      for (let i = 0; i < d * d; i++) secondMoment[i] += xtx[i];
      for (let i = 0; i < d; i++) sum[i] += colSum[i];
      n += rows;
    }
    if (n === 0) throw new Error('pca: no training images to fit');
    const mean = sum.map((s) => s / n);
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] = secondMoment[i * d + j] / n - mean[i] * mean[j];
    const evd = new EigenvalueDecomposition(Matrix.from1DArray(d, d, cov), { assumeSymmetric: true });
    const eigenvalues = evd.realEigenvalues;
    const vectors = evd.eigenvectorMatrix;
    const order = eigenvalues.map((_, i) => i).sort((a, b) => eigenvalues[b] - eigenvalues[a]);
    const w = new Float32Array(d * k);
    const variance = new Float32Array(k);
    for (let c = 0; c < k; c++) {
      const col = order[c];
      variance[c] = Math.max(0, eigenvalues[col]);
      // An eigenvector's sign is arbitrary: fix it so the largest entry is positive, for reproducible codes.
      let largest = 0;
      for (let i = 0; i < d; i++) if (Math.abs(vectors.get(i, col)) > Math.abs(largest)) largest = vectors.get(i, col);
      const sign = largest < 0 ? -1 : 1;
      for (let i = 0; i < d; i++) w[i * k + c] = sign * vectors.get(i, col);
    }
    let total = 0;
    for (let i = 0; i < d; i++) total += cov[i * d + i];
    this.params.load(
      new Map([
        ['pca.mean', Float32Array.from(mean)],
        ['pca.components', w],
        ['pca.variance', variance],
        ['pca.totalVariance', Float32Array.of(total)],
      ]),
      'pca fit',
    );
    return { explainedVariance: this.explainedVariance() };
  }

  /** Share of the total variance along the kept directions: sum of the k largest eigenvalues / trace(C). */
  explainedVariance(): number {
    let kept = 0;
    for (const v of this.params.get('pca.variance').dataSync()) kept += v;
    const total = this.params.get('pca.totalVariance').dataSync()[0];
    return total > 0 ? kept / total : 0;
  }

  encodeMean(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(tf.sub(x, this.mean), this.components));
  }

  decodeMean(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(h, tf.transpose(this.components)), this.mean));
  }

  /** The squared error of the rank-k reconstruction per example: what PCA minimizes. */
  lossTerms(batch: Batch): LossTerms {
    return tf.tidy(() => {
      const recon = tf.sum(tf.square(tf.sub(batch.x, this.decodeMean(this.encodeMean(batch.x)))), 1) as tf.Tensor1D;
      return { total: recon, recon };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
