/** Latent codes of the views: Gaussian quantile grids, traversals, interpolations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalQuantile } from '../../src/prob/normalQuantile.js';
import { checkDims, gaussianGridCoordinates, interpolationCodes, lerp, linspace, manifoldGrid, slerp, traversalCodes } from '../../src/views/latents.js';
import { assertClose } from '../helpers/engine.js';

/** Phi(x) by Simpson's rule on the standard normal density from -12 to x: independent of the quantile code. */
function normalCdf(x: number): number {
  const lo = -12;
  const n = 20000;
  const h = (x - lo) / n;
  const f = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = f(lo) + f(x);
  for (let i = 1; i < n; i++) s += f(lo + i * h) * (i % 2 ? 4 : 2);
  return (s * h) / 3;
}

test('normalQuantile matches tabulated values and inverts the numerically integrated CDF', () => {
  // Tabulated quantiles (e.g. Abramowitz & Stegun 26.2): Phi^-1(0.975) = 1.959963984540054, Phi^-1(0.95) = 1.644853626951472.
  assertClose([normalQuantile(0.975), normalQuantile(0.95), normalQuantile(0.5), normalQuantile(0.025)], [1.959963984540054, 1.644853626951472, 0, -1.959963984540054], 1e-12, 1e-14);
  for (const p of [1e-9, 0.001, 0.05, 0.2, 0.43, 0.5, 0.6, 0.9, 0.999, 1 - 1e-7]) {
    const x = normalQuantile(p);
    assertClose([normalCdf(x)], [p], 1e-7, 1e-15, `Phi(Phi^-1(${p}))`);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.throws(() => normalQuantile(1.5), /\[0, 1\]/);
});

test('the manifold grid codes are the Gaussian inverse CDF of the even grid (k + 1/2) / n', () => {
  const n = 5;
  const k = 4;
  const { z, xs, ys } = manifoldGrid(n, k, [3, 1]);
  const expected = [0.1, 0.3, 0.5, 0.7, 0.9].map(normalQuantile);
  assertClose(xs, expected, 1e-15, 0);
  assertClose(ys, [...expected].reverse(), 1e-15, 0);
  assertClose(gaussianGridCoordinates(n), expected, 1e-15, 0);
  // By hand: Phi^-1(0.1) = -1.2815515655446004.
  assertClose([xs[0]], [-1.2815515655446004], 1e-12);
  assert.equal(z.length, n * n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const row = Array.from(z.subarray((r * n + c) * k, (r * n + c + 1) * k));
      assertClose(row, [0, expected[n - 1 - r], 0, expected[c]], 1e-6, 1e-7, `cell (${r}, ${c})`);
    }
  }
});

test('checkDims refuses dimensions outside the latent space, repeated or not two', () => {
  assert.deepEqual(checkDims([0, 4], 5), [0, 4]);
  assert.throws(() => checkDims([0, 7], 5), /latent dimension 7 out of range: .* 0\.\.4/);
  assert.throws(() => checkDims([2, 2], 5), /must differ/);
  assert.throws(() => checkDims([1], 5), /two latent dimensions/);
});

test('traversal codes: row d sweeps dimension d, the others stay at the base', () => {
  const values = linspace(-3, 3, 4);
  assert.deepEqual(values, [-3, -1, 1, 3]);
  const base = [0.5, -0.5, 2];
  const z = traversalCodes(3, values, base);
  assert.equal(z.length, 3 * 4 * 3);
  for (let d = 0; d < 3; d++) {
    values.forEach((v, s) => {
      const want = [...base];
      want[d] = v;
      assertClose(Array.from(z.subarray((d * 4 + s) * 3, (d * 4 + s + 1) * 3)), want, 1e-7, 0, `row ${d} step ${s}`);
    });
  }
  assert.deepEqual(Array.from(traversalCodes(2, [1])), [1, 0, 0, 1]);
});

test('interpolation: lerp is linear, slerp keeps the norm between equal-norm ends and meets lerp at the ends', () => {
  const a = [3, 0];
  const b = [0, 3];
  assertClose(lerp(a, b, 0.5), [1.5, 1.5]);
  const mid = slerp(a, b, 0.5);
  assertClose(mid, [3 / Math.SQRT2, 3 / Math.SQRT2], 1e-6);
  for (const t of [0.1, 0.37, 0.8]) assertClose([Math.hypot(...slerp(a, b, t))], [3], 1e-6);
  const path = interpolationCodes(a, b, 5, true);
  assertClose(Array.from(path.subarray(0, 2)), a, 1e-6, 1e-7);
  assertClose(Array.from(path.subarray(8, 10)), b, 1e-6, 1e-7);
  // Parallel ends: slerp falls back to lerp rather than 0/0.
  assertClose(slerp([1, 1], [2, 2], 0.5), [1.5, 1.5]);
  assert.throws(() => interpolationCodes(a, b, 1), /steps/);
});
