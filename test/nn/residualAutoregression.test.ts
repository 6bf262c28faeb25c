/**
 * The 'gaussian-ar' likelihood: the causal mask, the log-density against the explicit triangular system, its
 * gradient, and the models that carry its filter.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { bitsPerDimKind } from '../../src/eval/bitsPerDim.js';
import { buildLikelihood, decoderMean, drawFromLikelihood, logLikelihood } from '../../src/models/likelihood.js';
import { createModel } from '../../src/models/create.js';
import { ConvVae, createVae, PortableMlpVae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { ParamStore } from '../../src/nn/params.js';
import { causalMask, ResidualAutoregression } from '../../src/nn/residualAutoregression.js';
import { LatentVariableModel } from '../../src/models/types.js';
import { Rng } from '../../src/rng.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [3, 4, 3];
const DIM = 3 * 4 * 3;
const MIN_LOG_VAR = -6;
const softplus = (t: number) => Math.log1p(Math.exp(t));

function uniforms(n: number, seed: number, lo: number, hi: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.uniform());
}

/** A module on SHAPE with a random filter (before masking): the filter starts at zero otherwise. */
function randomModule(seed: number, radius = 1): { params: ParamStore; ar: ResidualAutoregression; w: Float32Array } {
  const params = new ParamStore();
  const ar = new ResidualAutoregression(params, 'ar', SHAPE, radius);
  const k = 2 * radius + 1;
  const w = uniforms(k * k * 3 * 3, seed, -0.5, 0.5);
  params.get('ar.w').assign(tf.tensor4d(w, [k, k, 3, 3]));
  return { params, ar, w };
}

/** The matrix A [DIM][DIM] of the masked convolution, built by loops over positions, in float64. */
function explicitMatrix(w: Float32Array, radius: number): number[][] {
  const [h, wd, c] = SHAPE;
  const k = 2 * radius + 1;
  const mask = causalMask(radius, c);
  const a = Array.from({ length: DIM }, () => new Array<number>(DIM).fill(0));
  for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) for (let co = 0; co < c; co++) {
    for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) for (let ci = 0; ci < c; ci++) {
      const si = i + dy - radius;
      const sj = j + dx - radius;
      if (si < 0 || si >= h || sj < 0 || sj >= wd) continue;
      const tap = ((dy * k + dx) * c + ci) * c + co;
      a[(i * wd + j) * c + co][(si * wd + sj) * c + ci] += w[tap] * mask[tap];
    }
  }
  return a;
}

test('the causal mask opens the rows above, the left of the own row, and the earlier channels of the pixel', () => {
  const mask = causalMask(1, 3);
  // radius 1: one row above (3 columns) and one column to the left, 9 channel pairs each, plus 3 pairs at the centre.
  assert.equal(mask.reduce((s, v) => s + v, 0), 3 * 9 + 9 + 3);
  const centre = (ci: number, co: number) => mask[((1 * 3 + 1) * 3 + ci) * 3 + co];
  assert.deepEqual([centre(0, 1), centre(0, 2), centre(1, 2)], [1, 1, 1]);
  assert.deepEqual([centre(0, 0), centre(1, 0), centre(2, 1), centre(2, 2)], [0, 0, 0, 0]);
  // Nothing to the right on the own row, nothing below.
  for (let ci = 0; ci < 3; ci++) for (let co = 0; co < 3; co++) {
    assert.equal(mask[((1 * 3 + 2) * 3 + ci) * 3 + co], 0);
    for (let dx = 0; dx < 3; dx++) assert.equal(mask[((2 * 3 + dx) * 3 + ci) * 3 + co], 0);
  }
});

test('the masked convolution is a strictly lower triangular matrix in raster-then-channel order', () => {
  for (const radius of [1, 2]) {
    const { params, ar, w } = randomModule(7 + radius, radius);
    const a = explicitMatrix(w, radius);
    let nonzero = 0;
    for (let p = 0; p < DIM; p++) for (let q = p; q < DIM; q++) assert.equal(a[p][q], 0, `A[${p}][${q}] is above the diagonal`);
    for (let p = 0; p < DIM; p++) for (let q = 0; q < p; q++) if (a[p][q] !== 0) nonzero++;
    assert.ok(nonzero > DIM, 'the filter reaches earlier pixels');
    // The module computes A r.
    const r = uniforms(2 * DIM, 3, -1, 1);
    const got = tf.tidy(() => ar.predict(tf.tensor2d(r, [2, DIM])).dataSync());
    const expected = new Float64Array(2 * DIM);
    for (let b = 0; b < 2; b++) for (let p = 0; p < DIM; p++) for (let q = 0; q < DIM; q++) expected[b * DIM + p] += a[p][q] * r[b * DIM + q];
    assertClose(got, expected, 1e-5, 1e-6, `A r, radius ${radius}`);
    params.dispose();
  }
});

test('gaussian-ar: log p(x|z) = sum log N(e; 0, var) with e = (I - A)(x - mean), the triangular system solved by hand', async () => {
  const { params, ar, w } = randomModule(11);
  const a = explicitMatrix(w, 1);
  const rows = 2;
  const x = uniforms(rows * DIM, 1, 0, 1);
  const mean = uniforms(rows * DIM, 2, 0.2, 0.8);
  const raw = uniforms(rows * DIM, 4, -4, 1);
  const out = new Float32Array(rows * 2 * DIM);
  for (let b = 0; b < rows; b++) {
    out.set(mean.subarray(b * DIM, (b + 1) * DIM), b * 2 * DIM);
    out.set(raw.subarray(b * DIM, (b + 1) * DIM), b * 2 * DIM + DIM);
  }
  const expected = [0, 0];
  for (let b = 0; b < rows; b++) {
    const r = Array.from({ length: DIM }, (_, p) => x[b * DIM + p] - mean[b * DIM + p]);
    for (let p = 0; p < DIM; p++) {
      let e = r[p];
      for (let q = 0; q < p; q++) e -= a[p][q] * r[q];
      const logVar = MIN_LOG_VAR + softplus(raw[b * DIM + p] - MIN_LOG_VAR);
      expected[b] += -0.5 * (Math.log(2 * Math.PI) + logVar + (e * e) / Math.exp(logVar));
    }
  }
  const opts = { decoder: 'gaussian-ar' as const, sigma: 1, minLogVar: MIN_LOG_VAR, predictResidual: (r: tf.Tensor2D) => ar.predict(r) };
  const outT = tf.tensor2d(out, [rows, 2 * DIM]);
  const xT = tf.tensor2d(x, [rows, DIM]);
  await assertNoLeak(() => {
    const got = tf.tidy(() => logLikelihood(outT, xT, opts).dataSync());
    assertClose(got, expected, 1e-5, 1e-4, 'log p(x|z)');
    // The mean of p(x|z) is the decoder's mean: E[x - mean] = 0 under the autoregression.
    assertClose(tf.tidy(() => decoderMean(outT, opts).dataSync()), mean, 0, 0, 'decoder mean');
  });
  // With the filter at zero (its start) the likelihood is the factorized gaussian-learned one.
  params.get('ar.w').assign(tf.zerosLike(params.get('ar.w')));
  const factorized = tf.tidy(() => logLikelihood(outT, xT, { decoder: 'gaussian-learned', sigma: 1, minLogVar: MIN_LOG_VAR }).dataSync());
  assertClose(tf.tidy(() => logLikelihood(outT, xT, opts).dataSync()), factorized, 1e-6, 1e-5, 'zero filter');
  assert.equal(bitsPerDimKind('gaussian-ar'), 'continuous');
  tf.dispose([outT, xT]);
  params.dispose();
});

test('gaussian-ar: the gradient of log p(x|z) in the filter and the mean matches central finite differences; masked taps get none', () => {
  const { params, ar } = randomModule(5);
  const x = tf.tensor2d(uniforms(DIM, 8, 0, 1), [1, DIM]);
  const raw = tf.tensor2d(uniforms(DIM, 9, -2, 0), [1, DIM]);
  const opts = { decoder: 'gaussian-ar' as const, sigma: 1, minLogVar: MIN_LOG_VAR, predictResidual: (r: tf.Tensor2D) => ar.predict(r) };
  const mean0 = uniforms(DIM, 10, 0.3, 0.7);
  const f = (mean: tf.Tensor2D) => tf.sum(logLikelihood(tf.concat([mean, raw], 1), x, opts)) as tf.Scalar;
  const w = params.get('ar.w');
  const { grads } = tf.variableGrads(() => f(tf.tensor2d(mean0, [1, DIM])), [w]);
  const dW = grads[w.name].dataSync();
  const dMean = tf.tidy(() => tf.grad((m: tf.Tensor) => f(m as tf.Tensor2D))(tf.tensor2d(mean0, [1, DIM])).dataSync() as Float32Array);
  const mask = causalMask(1, 3);
  const wValues = (w.dataSync() as Float32Array).slice();
  const h = 1e-2;
  const at = (values: Float32Array, mean: Float32Array) => {
    w.assign(tf.tensor4d(values, w.shape as [number, number, number, number]));
    return tf.tidy(() => f(tf.tensor2d(mean, [1, DIM])).dataSync()[0]);
  };
  for (const tap of [0, 13, 37, 40, 41, 44, 60, 80]) {
    const plus = wValues.slice();
    const minus = wValues.slice();
    plus[tap] += h;
    minus[tap] -= h;
    const numeric = (at(plus, mean0) - at(minus, mean0)) / (2 * h);
    if (mask[tap] === 0) assert.equal(Math.abs(dW[tap]), 0, `masked tap ${tap}`);
    else assertClose([dW[tap]], [numeric], 2e-2, 2e-2, `filter tap ${tap}`);
  }
  w.assign(tf.tensor4d(wValues, w.shape as [number, number, number, number]));
  for (const p of [0, 5, 20, DIM - 1]) {
    const plus = mean0.slice();
    const minus = mean0.slice();
    plus[p] += 1e-3;
    minus[p] -= 1e-3;
    const numeric = (at(wValues, plus) - at(wValues, minus)) / 2e-3;
    assertClose([dMean[p]], [numeric], 2e-2, 2e-2, `mean ${p}`);
  }
  tf.dispose([x, raw, grads[w.name]]);
  params.dispose();
});

test('solve draws the residuals by forward substitution: r - A r equals the noise, with radius 1 and 2', () => {
  for (const radius of [1, 2]) {
    const { params, ar } = randomModule(11 + radius, radius);
    const rows = 2;
    const noise = uniforms(rows * DIM, 5, -1, 1);
    const r = ar.solve(noise, rows);
    const back = tf.tidy(() => tf.sub(tf.tensor2d(r, [rows, DIM]), ar.predict(tf.tensor2d(r, [rows, DIM]))).dataSync());
    assertClose(back, noise, 1e-4, 1e-5, `radius ${radius}: r - A r`);
    // Not the noise itself: the filter moved the residuals.
    assert.ok(r.some((v, i) => Math.abs(v - noise[i]) > 1e-2));
    assert.throws(() => ar.solve(noise.subarray(1), rows), /are not 2 images of 3x4x3/);
    params.dispose();
  }
});

test('drawFromLikelihood: gaussian-ar is mean + r with r - A r = sd * e, the same e as gaussian-learned draws; bernoulli draws bits', async () => {
  const { params, ar } = randomModule(3, 2);
  const rows = 2;
  const out = tf.tensor2d(uniforms(rows * 2 * DIM, 8, -1, 1), [rows, 2 * DIM]);
  const learned = { decoder: 'gaussian-learned' as const, sigma: 1, minLogVar: MIN_LOG_VAR };
  const factorized = drawFromLikelihood(out, learned, new Rng(4));
  const arDraw = await assertNoLeak(() => drawFromLikelihood(out, { ...learned, decoder: 'gaussian-ar', solveResidual: (s, n) => ar.solve(s, n) }, new Rng(4)));
  const mean = tf.tidy(() => decoderMean(out, learned).dataSync());
  // gaussian-learned's draw minus the mean is sd * e; the autoregression's, after (I - A), must be the same.
  const sdE = factorized.map((x, i) => x - mean[i]);
  const r = arDraw.map((x, i) => x - mean[i]);
  const e = tf.tidy(() => tf.sub(tf.tensor2d(r, [rows, DIM]), ar.predict(tf.tensor2d(r, [rows, DIM]))).dataSync());
  assertClose(e, sdE, 1e-4, 1e-5, '(I - A) r');
  const bits = await assertNoLeak(() => drawFromLikelihood(out, { ...learned, decoder: 'bernoulli' }, new Rng(4)));
  assert.ok(bits.every((b) => b === 0 || b === 1) && bits.some((b) => b === 1) && bits.some((b) => b === 0));
  assert.throws(() => drawFromLikelihood(out, { ...learned, decoder: 'gaussian-ar' }, new Rng(4)), /solveResidual/);
  out.dispose();
  params.dispose();
});

test('a VAE with gaussian-ar carries its filter: conv and MLP, trained by a step, kept by a checkpoint', () => {
  const values = { model: { kind: 'vae', net: 'conv', channels: [2], hidden: [5], latentDim: 2, decoder: 'gaussian-ar' } };
  const run = createRun(resolveRunConfig([{ source: 'test', values }]), [4, 4, 3], initialTrainState());
  assert.ok(run.model instanceof ConvVae);
  assert.deepEqual(run.model.params.get('decoder.ar.w').shape, [5, 5, 3, 3]);
  const model = run.model as ConvVae & LatentVariableModel;
  const x = tf.tensor2d(uniforms(3 * 48, 12, 0, 1), [3, 48]);
  const loss = () => tf.mean(model.lossTerms({ x }, { numSamples: 1, beta: 1, rng: new Rng(1) }).total) as tf.Scalar;
  const filter = model.params.get('decoder.ar.w');
  const { value, grads } = tf.variableGrads(loss, [filter]);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(grads[filter.name])).dataSync()[0]) > 0, 'the filter has a gradient');
  filter.assign(tf.tidy(() => tf.sub(filter, tf.mul(grads[filter.name], 1e-2))));
  const back = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'mem.ckpt'), 'mem.ckpt');
  assertClose(back.model.params.get('decoder.ar.w').dataSync(), model.params.get('decoder.ar.w').dataSync(), 0, 0, 'filter after the round trip');
  const weights = tf.tidy(() => (back.model as ConvVae).importanceLogWeights(x, 2, new Rng(3)).dataSync());
  assertClose(weights, tf.tidy(() => model.importanceLogWeights(x, 2, new Rng(3)).dataSync()), 0, 0, 'importance weights');
  tf.dispose([x, value, grads[filter.name]]);
  disposeRun(run);
  disposeRun(back);

  const mlp = createVae({ ...VAE_DEFAULTS, hidden: [4], latentDim: 2, decoder: 'gaussian-ar' }, DIM, 0, SHAPE);
  assert.ok(mlp instanceof PortableMlpVae);
  assert.ok(mlp.params.names().includes('decoder.ar.w'));
  mlp.dispose();
});

test('gaussian-ar needs the image shape, and the likelihood refuses to run without its autoregression', () => {
  assert.throws(() => createVae({ ...VAE_DEFAULTS, decoder: 'gaussian-ar' }, DIM, 0), /gaussian-ar needs the image shape/);
  assert.throws(() => buildLikelihood(new ParamStore(), 'ar', { decoder: 'gaussian-ar', sigma: 1, minLogVar: -6 }, undefined), /image shape/);
  const opts = { decoder: 'gaussian-ar' as const, sigma: 1, minLogVar: -6 };
  assert.throws(() => tf.tidy(() => logLikelihood(tf.zeros([1, 2 * DIM]), tf.zeros([1, DIM]), opts)), /needs the residual autoregression/);
  const cvae = createModel({ ...resolveRunConfig([{ source: 'test', values: { model: { kind: 'cvae', hidden: [4], latentDim: 2, decoder: 'gaussian-ar' } } }]).model }, DIM, 0, SHAPE);
  assert.ok(cvae.params.names().includes('decoder.ar.w'));
  cvae.params.dispose();
});
