/**
 * Two-sample maximum mean discrepancy with a Gaussian kernel (Gretton, Borgwardt, Rasch, Schoelkopf & Smola
 * 2012, "A kernel two-sample test", JMLR 13). Plain arrays: the samples are small (a few thousand points of a
 * few dimensions), and the figure must not depend on a numeric backend.
 */

function squaredDistance(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const t = a[i * dim + d] - b[j * dim + d];
    s += t * t;
  }
  return s;
}

/**
 * The median heuristic (Gretton et al. 2012, sec. 8): the kernel width is the median distance between points
 * of a sample, here over at most `maxPoints` of its first points (pairs grow quadratically).
 */
export function medianDistance(x: Float32Array, dim: number, maxPoints = 1000): number {
  const n = Math.min(x.length / dim, maxPoints);
  const d: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d.push(squaredDistance(x, i, x, j, dim));
  if (d.length === 0) throw new Error('the median heuristic needs at least two points');
  d.sort((a, b) => a - b);
  const mid = d.length >> 1;
  return Math.sqrt(d.length % 2 ? d[mid] : (d[mid - 1] + d[mid]) / 2);
}

/**
 * The unbiased estimate MMD^2_u of Gretton et al. 2012, eq. 3, for x [m, dim] and y [n, dim] (rows laid out one
 * after another), with k(a, b) = exp(-||a - b||^2 / (2 sigma^2)):
 *   MMD^2_u = 1/(m(m-1)) sum_{i!=j} k(x_i, x_j) + 1/(n(n-1)) sum_{i!=j} k(y_i, y_j) - 2/(mn) sum_{i,j} k(x_i, y_j).
 * Zero in expectation when x and y come from the same law; it can come out slightly negative.
 */
export function mmdSquared(x: Float32Array, y: Float32Array, dim: number, sigma: number): number {
  const m = x.length / dim;
  const n = y.length / dim;
  if (m < 2 || n < 2) throw new Error('MMD needs at least two points in each sample');
  const gamma = 1 / (2 * sigma * sigma);
  const within = (a: Float32Array, count: number) => {
    let s = 0;
    for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) s += Math.exp(-gamma * squaredDistance(a, i, a, j, dim));
    return (2 * s) / (count * (count - 1));
  };
  let cross = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cross += Math.exp(-gamma * squaredDistance(x, i, y, j, dim));
  return within(x, m) + within(y, n) - (2 * cross) / (m * n);
}
