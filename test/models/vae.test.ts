import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createModel } from '../../src/models/create.js';
import { Vae, VAE_DEFAULTS, VaeConfig } from '../../src/models/vae.js';
import { klStdNormal } from '../../src/prob/gaussian.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const small: VaeConfig = { ...VAE_DEFAULTS, latentDim: 3, hidden: [8] };

function binaryBatch(rows: number, dim: number, seed: number): tf.Tensor2D {
  const r = new Rng(seed);
  return tf.tensor2d(Float32Array.from({ length: rows * dim }, () => (r.uniform() < 0.3 ? 1 : 0)), [rows, dim]);
}

test('encoder, decoder and loss terms have the documented shapes for every decoder', async () => {
  for (const decoder of ['bernoulli', 'gaussian', 'gaussian-learned'] as const) {
    const vae = new Vae({ ...small, decoder }, 10, 0);
    await assertNoLeak(() =>
      tf.tidy(() => {
        const x = binaryBatch(4, 10, 1);
        const { mean, logVar } = vae.encode(x);
        assert.deepEqual(mean.shape, [4, 3]);
        assert.deepEqual(logVar.shape, [4, 3]);
        assert.deepEqual(vae.decodeMean(mean).shape, [4, 10]);
        const terms = vae.lossTerms({ x }, { beta: 1, numSamples: 2, rng: new Rng(0) });
        assert.deepEqual(Object.keys(terms).sort(), ['kl', 'recon', 'total']);
        for (const t of Object.values(terms)) assert.deepEqual(t.shape, [4]);
        assert.deepEqual(vae.importanceLogWeights(x, 5, new Rng(0)).shape, [5, 4]);
      }),
    );
    vae.dispose();
  }
});

test('total = recon + beta * KL, and KL is the analytic KL of the encoder output', () => {
  const vae = new Vae(small, 10, 0);
  tf.tidy(() => {
    const x = binaryBatch(5, 10, 2);
    const terms = vae.lossTerms({ x }, { beta: 0.3, numSamples: 1, rng: new Rng(7) });
    const expected = tf.add(terms.recon, tf.mul(terms.kl, 0.3));
    assertClose(terms.total.dataSync(), expected.dataSync(), 1e-6, 1e-5, 'total');
    const { mean, logVar } = vae.encode(x);
    assertClose(terms.kl.dataSync(), klStdNormal(mean, logVar).dataSync(), 1e-6, 1e-6, 'kl');
  });
  vae.dispose();
});

test('the same eps stream gives the same loss; another stream a different one', () => {
  const vae = new Vae(small, 10, 0);
  tf.tidy(() => {
    const x = binaryBatch(5, 10, 3);
    const a = vae.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(1, 2) }).recon.dataSync();
    const b = vae.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(1, 2) }).recon.dataSync();
    const c = vae.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(1, 3) }).recon.dataSync();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
  vae.dispose();
});

test('more Monte Carlo samples reduce the spread of the reconstruction estimate', () => {
  const vae = new Vae(small, 10, 0);
  const spread = (numSamples: number) =>
    tf.tidy(() => {
      const x = binaryBatch(1, 10, 4);
      const draws = Array.from({ length: 200 }, (_, i) => vae.lossTerms({ x }, { beta: 1, numSamples, rng: new Rng(9, i) }).recon.dataSync()[0]);
      const m = draws.reduce((s, v) => s + v, 0) / draws.length;
      return draws.reduce((s, v) => s + (v - m) ** 2, 0) / draws.length;
    });
  const one = spread(1);
  const sixteen = spread(16);
  assert.ok(sixteen < one / 4, `variance with L=16 (${sixteen}) should be well below L=1 (${one})`);
  vae.dispose();
});

test('the importance-weighted bound with K samples is at least the ELBO on average', () => {
  const vae = new Vae(small, 10, 0);
  tf.tidy(() => {
    const x = binaryBatch(20, 10, 5);
    const logW = vae.importanceLogWeights(x, 500, new Rng(3));
    const iw = tf.mean(tf.sub(tf.logSumExp(logW, 0), Math.log(500))).dataSync()[0];
    const elbo = tf.mean(logW).dataSync()[0];
    const negElbo = tf.mean(vae.lossTerms({ x }, { beta: 1, numSamples: 50, rng: new Rng(4) }).total).dataSync()[0];
    assert.ok(iw >= elbo, `IW bound ${iw} < ELBO ${elbo}`);
    assert.ok(Math.abs(-elbo - negElbo) < 0.5, `mean log-weight ${-elbo} should match the -ELBO ${negElbo}`);
  });
  vae.dispose();
});

test('a training step moves encoder and decoder weights; evaluation moves nothing', () => {
  const vae = createModel(small, 10, 0) as Vae;
  const before = vae.params.snapshot();
  tf.tidy(() => vae.lossTerms({ x: binaryBatch(4, 10, 6) }, { beta: 1, numSamples: 1, rng: new Rng(0) }));
  for (const [name, v] of vae.params.snapshot()) assert.deepEqual(v, before.get(name), `${name} changed during evaluation`);
  const opt = tf.train.sgd(0.1);
  opt.minimize(() => tf.mean(vae.lossTerms({ x: binaryBatch(4, 10, 6) }, { beta: 1, numSamples: 1, rng: new Rng(0) }).total) as tf.Scalar, false, vae.params.list());
  for (const [name, v] of vae.params.snapshot()) assert.notDeepEqual(v, before.get(name), `${name} did not move`);
  opt.dispose();
  vae.dispose();
});

test('the same seed builds the same network; another seed another one', () => {
  const [a, b, c] = [5, 5, 6].map((seed) => {
    const vae = new Vae(small, 10, seed);
    const values = vae.params.snapshot();
    vae.dispose();
    return values;
  });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
