/**
 * Points in latent space that the views decode: manifold grids, traversals and interpolations. Each returns
 * the codes row after row as one Float32Array [count, latentDim], ready for `tf.tensor2d`.
 */
import { normalQuantile } from '../prob/normalQuantile.js';

/** The codes of a manifold grid, and the coordinates along its two axes. */
export interface ManifoldGrid {
  /** [grid * grid, latentDim]: row r, column c is code r * grid + c. */
  z: Float32Array;
  /** Values of z[dims[0]] along the columns, left to right (increasing). */
  xs: number[];
  /** Values of z[dims[1]] along the rows, top to bottom (decreasing, so up is larger as on a plot). */
  ys: number[];
}

/**
 * The even grid p_k = (k + 1/2) / n, k = 0..n-1, in (0, 1) mapped through the Gaussian inverse CDF: equal
 * prior probability mass between neighbouring points (Kingma & Welling 2014, fig. 4).
 */
export function gaussianGridCoordinates(n: number): number[] {
  return Array.from({ length: n }, (_, k) => normalQuantile((k + 0.5) / n));
}

/** Checks a pair of latent dimensions chosen by the user; the message names the valid range. */
export function checkDims(dims: readonly number[], latentDim: number): [number, number] {
  if (dims.length !== 2) throw new Error(`expected two latent dimensions i,j, got ${dims.length}: ${dims.join(',')}`);
  const [i, j] = dims;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= latentDim) throw new Error(`latent dimension ${d} out of range: this model's latent dimensions are 0..${latentDim - 1}`);
  }
  if (i === j) throw new Error(`the two latent dimensions must differ, got ${i},${j}`);
  return [i, j];
}

/** A grid x grid manifold over latent dimensions dims = [i, j], the other dimensions held at 0 (the prior mean). */
export function manifoldGrid(grid: number, latentDim: number, dims: readonly [number, number]): ManifoldGrid {
  const [i, j] = checkDims(dims, latentDim);
  const xs = gaussianGridCoordinates(grid);
  const ys = [...xs].reverse();
  const z = new Float32Array(grid * grid * latentDim);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const row = (r * grid + c) * latentDim;
      z[row + i] = xs[c];
      z[row + j] = ys[r];
    }
  }
  return { z, xs, ys };
}

/** `steps` evenly spaced values from `lo` to `hi`, both included. */
export function linspace(lo: number, hi: number, steps: number): number[] {
  if (steps === 1) return [(lo + hi) / 2];
  return Array.from({ length: steps }, (_, k) => lo + ((hi - lo) * k) / (steps - 1));
}

/**
 * Latent traversal: one row per latent dimension d, z_d swept over `values`, every other dimension held at
 * `base` (default the prior mean 0). Codes [latentDim * values.length, latentDim].
 */
export function traversalCodes(latentDim: number, values: readonly number[], base?: ArrayLike<number>): Float32Array {
  const z = new Float32Array(latentDim * values.length * latentDim);
  for (let d = 0; d < latentDim; d++) {
    values.forEach((v, k) => {
      const row = (d * values.length + k) * latentDim;
      if (base) for (let e = 0; e < latentDim; e++) z[row + e] = base[e];
      z[row + d] = v;
    });
  }
  return z;
}

/** Linear interpolation (1 - t) a + t b. */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  return Float32Array.from({ length: a.length }, (_, k) => (1 - t) * a[k] + t * b[k]);
}

/**
 * Spherical linear interpolation (Shoemake 1985): sin((1 - t) omega) / sin(omega) a + sin(t omega) / sin(omega) b,
 * omega the angle between a and b. It keeps the norm near that of typical Gaussian codes, where the straight
 * line passes close to the origin (White 2016, "Sampling generative networks"). Falls back to lerp when a
 * and b are (anti)parallel or one is zero, where the formula is 0/0.
 */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  const cos = dot / Math.sqrt(na * nb);
  if (!Number.isFinite(cos) || Math.abs(cos) > 1 - 1e-7) return lerp(a, b, t);
  const omega = Math.acos(cos);
  const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const wb = Math.sin(t * omega) / Math.sin(omega);
  return Float32Array.from({ length: a.length }, (_, k) => wa * a[k] + wb * b[k]);
}

/** `steps` codes from a to b (both included), by lerp or slerp, as one [steps, latentDim] array. */
export function interpolationCodes(a: ArrayLike<number>, b: ArrayLike<number>, steps: number, spherical = false): Float32Array {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`steps must be an integer >= 2, got ${steps}`);
  const z = new Float32Array(steps * a.length);
  linspace(0, 1, steps).forEach((t, k) => z.set((spherical ? slerp : lerp)(a, b, t), k * a.length));
  return z;
}
