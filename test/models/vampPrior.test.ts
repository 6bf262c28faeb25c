/**
 * The VampPrior (Tomczak & Welling 2018) as the VAE's prior: its density against a direct computation, its Monte
 * Carlo KL against brute force, its pseudo-inputs trained and saved, its draws, and evaluation through it.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { evaluateLoss } from '../../src/eval/elbo.js';
import { estimateLogLikelihood } from '../../src/eval/loglik.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { modelKindSpec } from '../../src/models/registry.js';
import { createVae, Vae, VAE_DEFAULTS, VaeConfig } from '../../src/models/vae.js';
import { logNormalMixture } from '../../src/prob/gaussian.js';
import { Rng } from '../../src/rng.js';
import { initialTrainState } from '../../src/train/state.js';
import { offersFusedEngine } from '../../src/train/train.js';
import { hasPrior } from '../../src/views/capabilities.js';
import { modelPriorCodes, priorCodes } from '../../src/views/samples.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const DIM = 12;
const vamp: VaeConfig = { ...VAE_DEFAULTS, latentDim: 3, hidden: [8], prior: 'vamp', pseudoInputs: 5 };

function binaryRows(rows: number, seed: number, dim = DIM): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: rows * dim }, () => (r.uniform() < 0.3 ? 1 : 0));
}

/** log (1/K) sum_k N(z; m_k, diag(exp(lv_k))) of one row, in float64. */
function mixtureDensity(z: ArrayLike<number>, means: ArrayLike<number>, logVars: ArrayLike<number>, d: number): number {
  const k = means.length / d;
  const terms = Array.from({ length: k }, (_, c) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const lv = logVars[c * d + j];
      s += -0.5 * (Math.log(2 * Math.PI) + lv + (z[j] - means[c * d + j]) ** 2 / Math.exp(lv));
    }
    return s;
  });
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((a, t) => a + Math.exp(t - max), 0)) - Math.log(k);
}

/** The mixture's components: the encoder's posteriors of the clipped pseudo-inputs. */
function components(model: Vae): { means: Float32Array; logVars: Float32Array } {
  return tf.tidy(() => {
    const u = tf.clipByValue(model.params.get('prior.pseudoInputs'), 0, 1) as tf.Tensor2D;
    const { mean, logVar } = model.encode(u);
    return { means: mean.dataSync() as Float32Array, logVars: logVar.dataSync() as Float32Array };
  });
}

test('logNormalMixture is the log of the mean of the component densities', () => {
  const r = new Rng(4);
  const [n, k, d] = [7, 4, 3];
  const z = Float32Array.from({ length: n * d }, () => 2 * r.normal());
  const means = Float32Array.from({ length: k * d }, () => r.normal());
  const logVars = Float32Array.from({ length: k * d }, () => -2 + 3 * r.uniform());
  const got = tf.tidy(() => logNormalMixture(tf.tensor2d(z, [n, d]), tf.tensor2d(means, [k, d]), tf.tensor2d(logVars, [k, d])).dataSync());
  const want = Array.from({ length: n }, (_, i) => mixtureDensity(z.subarray(i * d, (i + 1) * d), means, logVars, d));
  assertClose(got, want, 1e-5, 1e-4, 'log p(z)');
});

test('a vamp VAE has log p(z) = log (1/K) sum_k q(z|u_k), pseudo-inputs in [0, 1], and a fused plan naming them', async () => {
  const model = createVae(vamp, DIM, 0);
  assert.ok(model instanceof Vae && offersFusedEngine(model), 'the MLP vamp VAE offers the fused plan');
  assert.deepEqual(model.mlpVaePlan().vamp, { pseudoInputs: 'prior.pseudoInputs', count: 5 });
  const standard = createVae({ ...vamp, prior: 'standard' }, DIM, 0) as Vae;
  assert.equal(standard.mlpVaePlan().vamp, undefined);
  standard.dispose();
  assert.equal(model.params.get('prior.pseudoInputs').shape.join('x'), `5x${DIM}`);
  // Push some pseudo-inputs out of range: the prior sees them clipped.
  tf.tidy(() => model.params.get('prior.pseudoInputs').assign(tf.tensor2d(Float32Array.from({ length: 5 * DIM }, (_, i) => (i % 7) / 3 - 0.5), [5, DIM])));
  const { means, logVars } = components(model);
  const r = new Rng(9);
  const z = Float32Array.from({ length: 6 * 3 }, () => r.normal());
  const got = await assertNoLeak(() => tf.tidy(() => model.logPrior(tf.tensor2d(z, [6, 3])).dataSync()));
  const want = Array.from({ length: 6 }, (_, i) => mixtureDensity(z.subarray(i * 3, i * 3 + 3), means, logVars, 3));
  assertClose(got, want, 1e-5, 1e-4, 'log p(z)');
  model.dispose();
});

test('the Monte Carlo KL estimates E_q[log q(z|x) - log p(z)] without bias (against brute force in float64)', () => {
  const model = createVae(vamp, DIM, 1) as Vae;
  const x = binaryRows(2, 3);
  const draws = 4000;
  const kl = tf.tidy(() => model.lossTerms({ x: tf.tensor2d(x, [2, DIM]) }, { beta: 1, numSamples: draws, rng: new Rng(5) }).kl.dataSync());
  const { means, logVars } = components(model);
  const q = tf.tidy(() => {
    const { mean, logVar } = model.encode(tf.tensor2d(x, [2, DIM]));
    return { mean: mean.dataSync(), logVar: logVar.dataSync() };
  });
  const r = new Rng(6);
  for (let row = 0; row < 2; row++) {
    const m = q.mean.subarray(row * 3, row * 3 + 3);
    const lv = q.logVar.subarray(row * 3, row * 3 + 3);
    const values: number[] = [];
    for (let s = 0; s < draws; s++) {
      const eps = [r.normal(), r.normal(), r.normal()];
      const z = eps.map((e, j) => m[j] + Math.exp(0.5 * lv[j]) * e);
      const logQ = eps.reduce((a, e, j) => a - 0.5 * (Math.log(2 * Math.PI) + lv[j] + e * e), 0);
      values.push(logQ - mixtureDensity(z, means, logVars, 3));
    }
    const mean = values.reduce((a, v) => a + v, 0) / draws;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (draws - 1));
    // Two independent means of `draws` samples: their difference has standard error sd * sqrt(2 / draws).
    const se = sd * Math.sqrt(2 / draws);
    assert.ok(Math.abs(kl[row] - mean) < 4 * se + 1e-4, `row ${row}: Monte Carlo KL ${kl[row]} vs brute force ${mean} (standard error ${se})`);
  }
  model.dispose();
});

test('the pseudo-inputs get gradients, and a few Adam steps lower the loss and move them', () => {
  for (const config of [vamp, { ...vamp, net: 'conv', channels: [4], hidden: [] } as VaeConfig]) {
    const model = createVae(config, 36, 2, [6, 6, 1]);
    const x = tf.tensor2d(binaryRows(8, 4, 36), [8, 36]);
    const loss = () => tf.mean(model.lossTerms({ x }, { beta: 1, numSamples: 2, rng: new Rng(1) }).total) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss);
    const g = grads[model.params.get('prior.pseudoInputs').name];
    assert.ok(g, `${config.net}: a gradient for the pseudo-inputs`);
    assert.ok(tf.tidy(() => tf.norm(g).dataSync()[0]) > 0, `${config.net}: the pseudo-inputs' gradient is nonzero`);
    const first = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    const before = model.params.get('prior.pseudoInputs').dataSync().slice();
    const adam = tf.train.adam(0.01);
    for (let i = 0; i < 20; i++) tf.dispose(adam.minimize(loss, false, model.params.list()) ?? []);
    const last = tf.tidy(() => loss().dataSync()[0]);
    assert.ok(last < first, `${config.net}: loss ${first} -> ${last}`);
    const after = model.params.get('prior.pseudoInputs').dataSync();
    assert.ok(after.some((v, i) => v !== before[i]), `${config.net}: the pseudo-inputs moved`);
    adam.dispose();
    x.dispose();
    model.dispose();
  }
});

test('a checkpoint round trip keeps the pseudo-inputs and the losses; a config without a prior is the standard VAE', () => {
  const config = resolveRunConfig([{ source: 'test', values: { model: { kind: 'vae', latentDim: 3, hidden: [8], prior: 'vamp', pseudoInputs: 4 } } }]);
  const run = createRun(config, [3, 4, 1], initialTrainState());
  tf.tidy(() => run.model.params.get('prior.pseudoInputs').assign(tf.randomUniform([4, DIM], 0, 1, 'float32', 7)));
  const restored = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'test'), 'test');
  assert.deepEqual(restored.model.params.get('prior.pseudoInputs').dataSync(), run.model.params.get('prior.pseudoInputs').dataSync());
  const x = binaryRows(5, 8);
  const losses = (r: typeof run) => tf.tidy(() => r.model.lossTerms({ x: tf.tensor2d(x, [5, DIM]) }, { beta: 1, numSamples: 3, rng: new Rng(2) }).total.dataSync());
  assert.deepEqual(losses(restored), losses(run));
  disposeRun(run);
  disposeRun(restored);

  const old = resolveRunConfig([{ source: 'an old checkpoint', values: { model: { kind: 'vae', latentDim: 3, hidden: [8] } } }]);
  assert.equal((old.model as VaeConfig).prior, 'standard');
  const plain = createRun(old, [3, 4, 1], initialTrainState());
  assert.ok(plain.model.mlpVaePlan, 'the standard VAE keeps its fused plan');
  assert.ok(!plain.model.params.names().some((n) => n.startsWith('prior.')), 'and has no prior parameters');
  disposeRun(plain);
});

test('the size a vamp config reports counts the pseudo-inputs', () => {
  const spec = modelKindSpec('vae');
  const model = createVae(vamp, DIM, 0);
  assert.equal(spec.size(vamp as never, [3, 4, 1]).parameters, model.params.count());
  model.dispose();
});

test('prior draws pick a pseudo-input at random, then z ~ q(z|u_k); the standard prior draws what it always drew', () => {
  const one = createVae({ ...vamp, pseudoInputs: 1 }, DIM, 3) as Vae;
  assert.ok(hasPrior(one));
  const { means, logVars } = components(one);
  const n = 4000;
  const z = modelPriorCodes(one, n, 0);
  assert.deepEqual(modelPriorCodes(one, n, 0), z, 'reproducible from the seed');
  for (let j = 0; j < 3; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) [s, s2] = [s + z[i * 3 + j], s2 + z[i * 3 + j] ** 2];
    const mean = s / n;
    const sd = Math.exp(0.5 * logVars[j]);
    assert.ok(Math.abs(mean - means[j]) < 4 * sd / Math.sqrt(n), `dimension ${j}: mean ${mean} vs ${means[j]}`);
    assert.ok(Math.abs(Math.sqrt(s2 / n - mean * mean) / sd - 1) < 0.05, `dimension ${j}: the spread of q(z|u)`);
  }
  one.dispose();
  const standard = createVae({ ...vamp, prior: 'standard' }, DIM, 3);
  assert.deepEqual(modelPriorCodes(standard, 10, 4), priorCodes(10, 3, 4));
  standard.dispose();
});

test('evaluation weighs with the vamp prior: other pseudo-inputs give another -log p(x), and it lies below the -ELBO', async () => {
  const rng = new Rng(11);
  const data: Dataset = { name: 'tiny', images: Uint8Array.from({ length: 20 * DIM }, () => (rng.uniform() < 0.3 ? 255 : 0)), count: 20, shape: [3, 4, 1] };
  const model = createVae(vamp, DIM, 5) as Vae;
  const nll = async () => -(await estimateLogLikelihood(model, data, { k: 400 })).mean;
  const before = await nll();
  const elbo = evaluateLoss(model, data, { numSamples: 50 }).total;
  assert.ok(before <= elbo, `-log p(x) ${before} <= -ELBO ${elbo}`);
  tf.tidy(() => model.params.get('prior.pseudoInputs').assign(tf.fill([5, DIM], 0.9)));
  const after = await nll();
  assert.ok(Math.abs(after - before) > 1e-3, `-log p(x) moves with the pseudo-inputs: ${before} -> ${after}`);
  // The weights are log p(x|z) + log p(z) - log q(z|x) with the vamp log p(z): a standard-prior twin differs.
  const twin = createVae({ ...vamp, prior: 'standard' }, DIM, 5);
  const twinNll = -(await estimateLogLikelihood(twin, data, { k: 400 })).mean;
  assert.ok(Math.abs(twinNll - after) > 1e-3, `standard ${twinNll} vs vamp ${after}`);
  twin.dispose();
  model.dispose();
});
