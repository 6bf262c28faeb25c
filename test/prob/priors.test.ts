import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIXTURE_RADIUS, MIXTURE_STD, PRIOR_COMPONENTS, samplePrior, SWISSROLL_NOISE, SWISSROLL_RADIUS, SWISSROLL_TURNS } from '../../src/prob/priors.js';
import { Rng } from '../../src/rng.js';

const N = 40000;

/** Sample mean and covariance of rows `pick` of z [n, dim]. */
function moments(z: Float32Array, dim: number, pick: (i: number) => boolean = () => true): { mean: number[]; cov: number[][]; count: number } {
  const mean = new Array(dim).fill(0);
  const cov = Array.from({ length: dim }, () => new Array(dim).fill(0));
  let count = 0;
  for (let i = 0; i < z.length / dim; i++) {
    if (!pick(i)) continue;
    count++;
    for (let a = 0; a < dim; a++) mean[a] += z[i * dim + a];
  }
  for (let a = 0; a < dim; a++) mean[a] /= count;
  for (let i = 0; i < z.length / dim; i++) {
    if (!pick(i)) continue;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a][b] += ((z[i * dim + a] - mean[a]) * (z[i * dim + b] - mean[b])) / (count - 1);
  }
  return { mean, cov, count };
}

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

test('gaussian prior: mean 0, covariance I; no components; the same stream gives the same draws', () => {
  const { z, component } = samplePrior('gaussian', N, 3, new Rng(1, 2));
  assert.equal(component, null);
  const m = moments(z, 3);
  for (let a = 0; a < 3; a++) {
    near(m.mean[a], 0, 0.03, `mean[${a}]`);
    for (let b = 0; b < 3; b++) near(m.cov[a][b], a === b ? 1 : 0, 0.04, `cov[${a}][${b}]`);
  }
  assert.deepEqual(samplePrior('gaussian', 50, 3, new Rng(1, 2)).z, z.subarray(0, 150));
  assert.notDeepEqual(samplePrior('gaussian', 50, 3, new Rng(1, 3)).z, z.subarray(0, 150));
});

test('mixture prior: each component N(mu_k, std^2 I) with mu_k on the circle, equal weights; overall moments in 2-D and 4-D', () => {
  for (const dim of [2, 4]) {
    const { z, component } = samplePrior('mixture', N, dim, new Rng(3, dim));
    for (let k = 0; k < PRIOR_COMPONENTS; k++) {
      const m = moments(z, dim, (i) => component![i] === k);
      near(m.count / N, 1 / PRIOR_COMPONENTS, 0.01, `weight of component ${k}`);
      const angle = (2 * Math.PI * k) / PRIOR_COMPONENTS;
      const mu = [MIXTURE_RADIUS * Math.cos(angle), MIXTURE_RADIUS * Math.sin(angle), 0, 0];
      for (let a = 0; a < dim; a++) {
        near(m.mean[a], mu[a], 0.04, `dim ${dim}, component ${k}, mean[${a}]`);
        near(m.cov[a][a], MIXTURE_STD ** 2, 0.03, `dim ${dim}, component ${k}, var[${a}]`);
      }
    }
    // Ten equally spaced angles: E[cos^2] = E[sin^2] = 1/2, E[cos sin] = 0, so Cov = (R^2 / 2 + std^2) I in the plane.
    const all = moments(z, dim);
    for (let a = 0; a < dim; a++) {
      near(all.mean[a], 0, 0.05, `dim ${dim}, mean[${a}]`);
      near(all.cov[a][a], a < 2 ? MIXTURE_RADIUS ** 2 / 2 + MIXTURE_STD ** 2 : MIXTURE_STD ** 2, a < 2 ? 0.15 : 0.01, `dim ${dim}, var[${a}]`);
    }
    near(all.cov[0][1], 0, 0.1, `dim ${dim}, cov[0][1]`);
  }
});

test('swiss roll prior: moments match the curve integrated numerically; segments hold equal mass in order along the roll', () => {
  const { z, component } = samplePrior('swissroll', N, 2, new Rng(5));
  // E[f(z)] over u ~ U(0, 1) by the midpoint rule, with the noise's variance added to the second moments.
  const steps = 200000;
  const curve = (u: number) => {
    const s = Math.sqrt(u);
    const angle = 2 * Math.PI * SWISSROLL_TURNS * s;
    return [SWISSROLL_RADIUS * s * Math.cos(angle), SWISSROLL_RADIUS * s * Math.sin(angle)];
  };
  const e = [0, 0];
  const e2 = [0, 0];
  for (let i = 0; i < steps; i++) {
    const p = curve((i + 0.5) / steps);
    for (let a = 0; a < 2; a++) {
      e[a] += p[a] / steps;
      e2[a] += p[a] ** 2 / steps;
    }
  }
  const m = moments(z, 2);
  for (let a = 0; a < 2; a++) {
    near(m.mean[a], e[a], 0.04, `mean[${a}]`);
    near(m.cov[a][a], e2[a] - e[a] ** 2 + SWISSROLL_NOISE ** 2, 0.1, `var[${a}]`);
  }
  // E[|z|^2] = R^2 E[u] + 2 noise^2 = R^2 / 2 + 2 noise^2 in closed form.
  let r2 = 0;
  for (let i = 0; i < N; i++) r2 += (z[2 * i] ** 2 + z[2 * i + 1] ** 2) / N;
  near(r2, SWISSROLL_RADIUS ** 2 / 2 + 2 * SWISSROLL_NOISE ** 2, 0.08, 'E|z|^2');
  let lastRadius = -1;
  for (let k = 0; k < PRIOR_COMPONENTS; k++) {
    const rows = [...component!.keys()].filter((i) => component![i] === k);
    near(rows.length / N, 1 / PRIOR_COMPONENTS, 0.01, `mass of segment ${k}`);
    const radius = rows.reduce((s, i) => s + Math.hypot(z[2 * i], z[2 * i + 1]), 0) / rows.length;
    assert.ok(radius > lastRadius, `segment ${k} should lie further out along the roll (${radius} after ${lastRadius})`);
    lastRadius = radius;
  }
});

test('priors refuse the latent sizes they are not defined for', () => {
  assert.throws(() => samplePrior('swissroll', 4, 3, new Rng(0)), /swissroll prior is 2-D/);
  assert.throws(() => samplePrior('mixture', 4, 1, new Rng(0)), /at least 2/);
});
