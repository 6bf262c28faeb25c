import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { corrupt } from '../../src/data/corrupt.js';
import { Activation, denseAutodiff } from '../../src/nn/dense.js';
import { AE_DEFAULTS, Autoencoder, AutoencoderConfig, CAE_DEFAULTS, CaeConfig, DAE_DEFAULTS } from '../../src/models/autoencoder.js';
import { logBernoulli } from '../../src/prob/bernoulli.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const DIM = 12;

function batch(rows: number, seed: number): tf.Tensor2D {
  const r = new Rng(seed);
  return tf.tensor2d(Float32Array.from({ length: rows * DIM }, () => r.uniform()), [rows, DIM]);
}

/** The encoder rebuilt from the model's parameters with plain tfjs ops (no custom gradients). */
function referenceEncoder(model: Autoencoder, config: AutoencoderConfig): (x: tf.Tensor2D) => tf.Tensor2D {
  const depth = config.hidden.length + 1;
  return (x) => {
    let h = x;
    for (let i = 0; i < depth; i++) {
      const act: Activation = i === depth - 1 ? config.codeActivation : config.activation;
      h = denseAutodiff(h, model.params.get(`encoder.${i}.w`) as tf.Tensor as tf.Tensor2D, model.params.get(`encoder.${i}.b`) as tf.Tensor as tf.Tensor1D, act);
    }
    return h;
  };
}

/** ||J_h(x)||_F^2 per example by autodiff: one gradient per code unit j gives row j of every example's Jacobian. */
function jacobianNormByAutodiff(encode: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, code: number): Float32Array {
  return tf.tidy(() => {
    let total = tf.zeros([x.shape[0]]);
    for (let j = 0; j < code; j++) {
      const rowJ = tf.grad((xi: tf.Tensor) => tf.sum(tf.slice(encode(xi as tf.Tensor2D), [0, j], [-1, 1])))(x);
      total = tf.add(total, tf.sum(tf.square(rowJ), 1));
    }
    return total.dataSync() as Float32Array;
  });
}

function cae(overrides: Partial<CaeConfig>): CaeConfig {
  return { ...CAE_DEFAULTS, latentDim: 4, lambda: 1, ...overrides };
}

test('the exact contractive penalty equals ||J_h(x)||_F^2 from autodiff, for one-layer and deeper encoders', async () => {
  const cases: Partial<CaeConfig>[] = [
    { hidden: [], codeActivation: 'sigmoid' },
    { hidden: [], codeActivation: 'tanh' },
    { hidden: [], codeActivation: 'softplus' },
    { hidden: [7], activation: 'tanh', codeActivation: 'sigmoid' },
    { hidden: [7], activation: 'tanh', codeActivation: 'linear' },
    { hidden: [10], activation: 'relu', codeActivation: 'linear' },
    { hidden: [9, 6], activation: 'elu', codeActivation: 'linear' },
    { hidden: [8], activation: 'relu', codeActivation: 'sigmoid' },
  ];
  for (const [i, c] of cases.entries()) {
    const config = cae(c);
    const model = new Autoencoder(config, DIM, i);
    await assertNoLeak(() =>
      tf.tidy(() => {
        const x = batch(5, i);
        const penalty = model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(0) }).contractive.dataSync();
        assertClose(penalty, jacobianNormByAutodiff(referenceEncoder(model, config), x, 4), 1e-4, 1e-7, `penalty ${JSON.stringify(c)}`);
      }),
    );
    model.dispose();
  }
});

test('for one layer of sigmoid units the penalty is sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 (Rifai et al. 2011)', () => {
  const config = cae({ hidden: [], codeActivation: 'sigmoid' });
  const model = new Autoencoder(config, DIM, 3);
  tf.tidy(() => {
    const x = batch(4, 9);
    const h = model.encodeMean(x).arraySync();
    const w = model.params.get('encoder.0.w').arraySync() as number[][];
    const expected = h.map((row) => row.reduce((s, hj, j) => s + (hj * (1 - hj)) ** 2 * w.reduce((t, wi) => t + wi[j] ** 2, 0), 0));
    const terms = model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(0) });
    assertClose(terms.contractive.dataSync(), expected, 1e-5, 1e-8, 'Rifai penalty');
    assertClose(terms.total.dataSync(), tf.add(terms.recon, terms.contractive).dataSync(), 1e-6, 1e-5, 'total = recon + lambda * penalty');
  });
  model.dispose();
});

test('the stochastic penalty approaches the exact one for small noise, and not for large noise', () => {
  const exactConfig = cae({ hidden: [7], activation: 'tanh' });
  const exact = new Autoencoder(exactConfig, DIM, 5);
  const reps = 1500;
  tf.tidy(() => {
    const x = batch(3, 11);
    const target = exact.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(0) }).contractive.dataSync();
    // The same weights in a model with the stochastic penalty; each image repeated, so one call averages many eps.
    const estimate = (sigma: number) => {
      const stochastic = new Autoencoder({ ...exactConfig, contractive: 'stochastic', contractiveSigma: sigma }, DIM, 5);
      const repeated = tf.concat(new Array<tf.Tensor2D>(reps).fill(x), 0) as tf.Tensor2D;
      const draws = stochastic.lossTerms({ x: repeated }, { beta: 1, numSamples: 1, rng: new Rng(1) }).contractive;
      const means = tf.mean(tf.reshape(draws, [reps, 3]), 0).dataSync();
      stochastic.dispose();
      return means;
    };
    assertClose(estimate(0.005), target, 0.06, 0, 'stochastic estimate, sigma 0.005');
    const far = estimate(2);
    assert.ok(far.some((v, i) => Math.abs(v - target[i]) > 0.2 * target[i]), `with sigma 2 the estimate ${far} should be off ${target}`);
  });
  exact.dispose();
});

test('a DAE scores the reconstruction of a corrupted input against the clean input', () => {
  const config = { ...DAE_DEFAULTS, latentDim: 3, hidden: [6], noise: 'mask' as const, noiseLevel: 0.5 };
  const model = new Autoencoder(config, DIM, 0);
  tf.tidy(() => {
    const x = batch(4, 2);
    const recon = model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(5, 6) }).recon.dataSync();
    // The same corruption drawn by hand from the same stream, fed through the network.
    const noisy = tf.tensor2d(corrupt(x.dataSync() as Float32Array, DIM, 'mask', 0.5, new Rng(5, 6)), [4, DIM]);
    const logits = model.decode(model.encodeMean(noisy));
    assertClose(recon, tf.neg(logBernoulli(logits, x)).dataSync(), 1e-5, 1e-5, 'loss against the clean input');
    const againstNoisy = tf.neg(logBernoulli(logits, noisy)).dataSync();
    assert.ok(recon.some((v, i) => Math.abs(v - againstNoisy[i]) > 1e-3), 'the loss must not be against the corrupted input');
    // A fresh corruption per stream: another stream, another loss.
    assert.notDeepEqual(model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(5, 7) }).recon.dataSync(), recon);
  });
  model.dispose();
});

test('a DAE training step moves every weight; with no corruption the DAE loss is the AE loss', () => {
  const config = { ...DAE_DEFAULTS, latentDim: 3, hidden: [6] };
  const model = new Autoencoder(config, DIM, 0);
  const before = model.params.snapshot();
  const opt = tf.train.sgd(0.5);
  opt.minimize(() => tf.mean(model.lossTerms({ x: batch(8, 3) }, { beta: 1, numSamples: 1, rng: new Rng(0) }).total) as tf.Scalar, false, model.params.list());
  for (const [name, v] of model.params.snapshot()) assert.notDeepEqual(v, before.get(name), `${name} did not move`);
  opt.dispose();
  const clean = new Autoencoder({ ...config, noiseLevel: 0 }, DIM, 1);
  const ae = new Autoencoder({ ...AE_DEFAULTS, latentDim: 3, hidden: [6] }, DIM, 1);
  tf.tidy(() => {
    const x = batch(4, 4);
    const a = clean.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(0) }).total.dataSync();
    const b = ae.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(0) }).total.dataSync();
    assertClose(a, b, 1e-6, 1e-6, 'dae at level 0 vs ae');
  });
  model.dispose();
  clean.dispose();
  ae.dispose();
});

test('autoencoders: shapes, mse as squared error per image, no prior, no leaks', async () => {
  for (const recon of ['bce', 'mse'] as const) {
    const model = new Autoencoder({ ...AE_DEFAULTS, latentDim: 3, hidden: [10, 5], recon }, DIM, 0);
    assert.equal(model.prior, null);
    await assertNoLeak(() =>
      tf.tidy(() => {
        const x = batch(6, 1);
        const h = model.encodeMean(x);
        assert.deepEqual(h.shape, [6, 3]);
        const mean = model.decodeMean(h);
        assert.deepEqual(mean.shape, [6, DIM]);
        const terms = model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(0) });
        assert.deepEqual(Object.keys(terms).sort(), ['recon', 'total']);
        if (recon === 'mse') assertClose(terms.recon.dataSync(), tf.sum(tf.square(tf.sub(mean, x)), 1).dataSync(), 1e-5, 1e-6, 'mse');
        else assertClose(terms.recon.dataSync(), tf.neg(logBernoulli(model.decode(h), x)).dataSync(), 1e-6, 1e-6, 'bce');
      }),
    );
    model.dispose();
  }
});
