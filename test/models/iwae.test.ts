/**
 * The importance-weighted bound of the vae kind (Burda, Grosse & Salakhutdinov 2016, eq. 8): with K = 1 it is
 * the ELBO on the same draw, it grows with K on a fixed model, it runs on conv networks and portable decoders,
 * and other kinds refuse it by name.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { createVae, VAE_DEFAULTS, VaeConfig } from '../../src/models/vae.js';
import { logNormal, logStdNormal, reparameterize } from '../../src/prob/gaussian.js';
import { Rng, Stream } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

function binary(n: number, seed: number): Float32Array {
  const rng = new Rng(seed, 98);
  return new Float32Array(n).map(() => (rng.uniform() < 0.3 ? 1 : 0));
}

const DIM = 36;

function model(overrides: Partial<VaeConfig> = {}) {
  return createVae({ ...VAE_DEFAULTS, latentDim: 4, hidden: [24], ...overrides }, DIM, 7, [6, 6, 1]);
}

/** Per-example terms of `objective` on x [rows, DIM] from the eps stream (seed, eps, step). */
function terms(vae: ReturnType<typeof model>, x: Float32Array, rows: number, opts: { objective: 'elbo' | 'iwae'; numSamples: number; beta?: number; step?: number }) {
  return tf.tidy(() => {
    const t = vae.lossTerms({ x: tf.tensor2d(x, [rows, DIM]) }, { beta: opts.beta ?? 1, numSamples: opts.numSamples, objective: opts.objective, rng: new Rng(1, Stream.eps, opts.step ?? 0) });
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v.dataSync())]));
  });
}

test('with K = 1 the IWAE bound is the ELBO of the same draw: recon + log q(z|x) - log p(z), beta included', async () => {
  const rows = 8;
  const x = binary(rows * DIM, 1);
  const vae = model();
  for (const beta of [1, 0.4]) {
    const iwae = await assertNoLeak(() => terms(vae, x, rows, { objective: 'iwae', numSamples: 1, beta }));
    const elbo = terms(vae, x, rows, { objective: 'elbo', numSamples: 1, beta });
    // The one-draw KL, computed here from the encoder and the same eps.
    const klDraw = tf.tidy(() => {
      const { mean, logVar } = vae.encode(tf.tensor2d(x, [rows, DIM]));
      const eps = tf.tensor2d(new Rng(1, Stream.eps, 0).fillNormal(new Float32Array(rows * 4)), [rows, 4]);
      const z = reparameterize(mean, logVar, eps);
      return Array.from(tf.sub(logNormal(z, mean, logVar), logStdNormal(z)).dataSync());
    });
    assertClose(iwae.recon, elbo.recon, 1e-6, 1e-6, 'recon on the same draw');
    assertClose(iwae.kl, klDraw, 1e-5, 1e-5, 'the one-draw KL');
    assertClose(iwae.total, elbo.recon.map((r, i) => r + beta * klDraw[i]), 1e-5, 1e-5, `beta ${beta}: -bound = recon + beta * KL`);
  }
  // Averaged over draws, the one-draw KL is the analytic one the ELBO uses.
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const draws = Array.from({ length: 200 }, (_, step) => mean(terms(vae, x, rows, { objective: 'iwae', numSamples: 1, step }).kl));
  const analytic = mean(terms(vae, x, rows, { objective: 'elbo', numSamples: 1 }).kl);
  const se = Math.sqrt(mean(draws.map((d) => (d - mean(draws)) ** 2)) / draws.length);
  assert.ok(Math.abs(mean(draws) - analytic) < 4 * se + 1e-6, `one-draw KL ${mean(draws)} vs analytic ${analytic} (se ${se})`);
  vae.dispose();
});

test('the bound grows with K on a fixed model, by more than its sampling noise', () => {
  const rows = 20;
  const x = binary(rows * DIM, 2);
  const vae = model({ hidden: [32] });
  const repeats = 12;
  const bounds = [1, 5, 25].map((numSamples) => {
    const means = Array.from({ length: repeats }, (_, step) => -terms(vae, x, rows, { objective: 'iwae', numSamples, step }).total.reduce((s, v) => s + v, 0) / rows);
    const m = means.reduce((s, v) => s + v, 0) / repeats;
    const se = Math.sqrt(means.reduce((s, v) => s + (v - m) ** 2, 0) / (repeats - 1) / repeats);
    return { numSamples, m, se };
  });
  for (let i = 1; i < bounds.length; i++) {
    const [a, b] = [bounds[i - 1], bounds[i]];
    assert.ok(b.m - a.m > 3 * Math.hypot(a.se, b.se), `K=${a.numSamples}: ${a.m.toFixed(3)} ± ${a.se.toFixed(3)}, K=${b.numSamples}: ${b.m.toFixed(3)} ± ${b.se.toFixed(3)}`);
  }
  vae.dispose();
});

test('conv networks and the portable decoders compute the bound, with gradients, and leak nothing', async () => {
  const rows = 3;
  const x = binary(rows * DIM, 3);
  for (const overrides of [{ net: 'conv', channels: [4], hidden: [] }, { decoder: 'gaussian-ar' }, { decoder: 'discretized-logistic' }] as Partial<VaeConfig>[]) {
    const vae = model(overrides);
    await assertNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(vae.lossTerms({ x: tf.tensor2d(x, [rows, DIM]) }, { beta: 1, numSamples: 3, objective: 'iwae', rng: new Rng(2, Stream.eps, 0) }).total) as tf.Scalar,
        vae.params.list(),
      );
      assert.ok(Number.isFinite(value.dataSync()[0]), `${JSON.stringify(overrides)}: finite bound`);
      assert.ok(Object.values(grads).every((g) => g.dataSync().every(Number.isFinite)), `${JSON.stringify(overrides)}: finite gradients`);
      tf.dispose([value, ...Object.values(grads)]);
    });
    vae.dispose();
  }
});

test('--objective iwae is the vae kind\'s: other kinds refuse it by name, elbo is every kind\'s', () => {
  for (const kind of ['ae', 'aae', 'cvae', 'm2', 'pca']) {
    assert.throws(() => resolveRunConfig([{ source: 'flags', values: { model: { kind }, train: { objective: 'iwae' } } }]), (e: Error) => /train\.objective iwae: the \w+ kind trains on its own objective only.*offered by vae/.test(e.message), kind);
    assert.equal(resolveRunConfig([{ source: 'flags', values: { model: { kind }, train: { objective: 'elbo' } } }]).train.objective, 'elbo');
  }
  assert.equal(resolveRunConfig([{ source: 'flags', values: { train: { objective: 'iwae', numSamples: 5 } } }]).train.objective, 'iwae');
  // A saved config from before the field resolves to the ELBO.
  assert.equal(resolveRunConfig([{ source: 'checkpoint', values: { train: { numSamples: 1 } } }]).train.objective, 'elbo');
});
