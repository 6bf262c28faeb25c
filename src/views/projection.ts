/** Projection of codes to two dimensions for plotting. */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Points in the plane and how they were obtained. */
export interface Projection2d {
  /** [count, 2], x then y. */
  xy: Float64Array;
  /** Axis names, e.g. "z0" or "PC 1". */
  axes: [string, string];
  /** Share of the total variance the two axes keep, for principal components; 1 for a 2-D code. */
  explained: number;
  method: 'identity' | 'pca';
}

/**
 * Codes [count, latentDim] in the plane: a 2-D code as it is; a larger one projected on its first two principal
 * components, the eigenvectors of the sample covariance with the largest eigenvalues (Pearson 1901), found by
 * ml-matrix's symmetric eigen-decomposition.
 */
export function projectTo2d(z: ArrayLike<number>, latentDim: number): Projection2d {
  const count = z.length / latentDim;
  if (!Number.isInteger(count)) throw new Error(`codes of length ${z.length} are not rows of the latent size ${latentDim}`);
  if (latentDim < 2) throw new Error(`a ${latentDim}-D code cannot be projected to two dimensions`);
  const xy = new Float64Array(count * 2);
  if (latentDim === 2) {
    for (let i = 0; i < count * 2; i++) xy[i] = z[i];
    return { xy, axes: ['z0', 'z1'], explained: 1, method: 'identity' };
  }
  const mean = new Float64Array(latentDim);
  for (let i = 0; i < count; i++) for (let d = 0; d < latentDim; d++) mean[d] += z[i * latentDim + d] / count;
  const centred = new Matrix(count, latentDim);
  for (let i = 0; i < count; i++) for (let d = 0; d < latentDim; d++) centred.set(i, d, z[i * latentDim + d] - mean[d]);
  const cov = centred.transpose().mmul(centred).div(Math.max(1, count - 1));
  const eig = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const vectors = eig.eigenvectorMatrix;
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 2; a++) {
      let s = 0;
      for (let d = 0; d < latentDim; d++) s += centred.get(i, d) * vectors.get(d, order[a]);
      xy[i * 2 + a] = s;
    }
  }
  const explained = total > 0 ? (Math.max(0, values[order[0]]) + Math.max(0, values[order[1]])) / total : 0;
  return { xy, axes: ['PC 1', 'PC 2'], explained, method: 'pca' };
}
