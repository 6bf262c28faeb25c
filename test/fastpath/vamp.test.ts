/**
 * The VampPrior (Tomczak & Welling 2018) on the native fast path against tfjs autodiff: the terms and every
 * parameter gradient, the pseudo-inputs' included, for the ELBO, the IWAE bound and DReG; the importance
 * log-weights; and a short training whose losses match step by step. Skips where the addon was not built,
 * unless VAEKIT_REQUIRE_NATIVE=1.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import type { Estimator, Objective } from '../../src/config/train.js';
import { prepareTrainingData } from '../../src/data/prepare.js';
import { MlpVaeOnKernels } from '../../src/fastpath/mlpVae.js';
import { createVae, Vae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { Rng, Stream } from '../../src/rng.js';
import { assertAgree, assertClose, useTestBackend } from '../helpers/engine.js';
import { assertNativeIfRequired, binary, binaryImages, kernels, KERNEL_DECODER_MODELS, nativeSkip } from '../helpers/native.js';
import { trainOnEngine } from '../helpers/train.js';

const skip = nativeSkip;

before(async () => {
  assertNativeIfRequired();
  await useTestBackend();
});

const DIM = 50;
const LATENT = 3;
const PSEUDO = 7;

/** A VampPrior VAE whose pseudo-inputs spread over [0, 1] and a few beyond it, where the clip stops their gradient. */
function vampVae(overrides: Partial<typeof VAE_DEFAULTS>, seed: number): Vae {
  const model = createVae({ ...VAE_DEFAULTS, latentDim: LATENT, prior: 'vamp', pseudoInputs: PSEUDO, ...overrides }, DIM, seed);
  assert.ok(model instanceof Vae, 'a VampPrior MLP VAE offers the fast path');
  const rng = new Rng(seed, 77);
  const u = Float32Array.from({ length: PSEUDO * DIM }, (_, i) => (i % 17 === 0 ? -0.3 : i % 19 === 0 ? 1.4 : rng.uniform()));
  model.params.loadShared(new Map([['prior.pseudoInputs', u]]), 'test');
  return model;
}

test('VampPrior: terms and every parameter gradient agree with tfjs autodiff, for the ELBO (L = 1, 3), the IWAE bound and DReG (K = 5), beta 1 and 0.6', { skip }, () => {
  const rows = 6;
  const x = binary(rows * DIM, 31);
  const cases: [Objective, Estimator, number, number][] = [['elbo', 'standard', 1, 1], ['elbo', 'standard', 3, 0.6], ['iwae', 'standard', 5, 1], ['iwae', 'dreg', 5, 1], ['iwae', 'dreg', 5, 0.6]];
  for (const overrides of KERNEL_DECODER_MODELS) {
    for (const [objective, estimator, numSamples, beta] of cases) {
      const model = vampVae(overrides, 4);
      const opts = { beta, numSamples, objective, estimator };
      let terms: number[] = [];
      const { grads, value } = tf.variableGrads(() => {
        const t = model.lossTerms({ x: tf.tensor2d(x, [rows, DIM]) }, { ...opts, rng: new Rng(3, Stream.eps, 0) });
        terms = [t.recon, t.kl].map((v) => tf.mean(v).dataSync()[0]);
        return tf.mean(t.total) as tf.Scalar;
      }, model.params.list());
      const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
      const eps = new Rng(3, Stream.eps, 0).fillNormal(new Float32Array(numSamples * rows * LATENT));
      const losses = net.gradients(x, rows, beta, numSamples, eps, objective, estimator);
      const what = `${overrides.decoder} ${objective} ${estimator} L=${numSamples} beta=${beta}`;
      assertClose([losses.total, losses.recon, losses.kl], [value.dataSync()[0], ...terms], 1e-5, 1e-5, `${what} terms`);
      assert.ok(net.grads.has('prior.pseudoInputs'), 'the pseudo-inputs are trained');
      for (const [name, g] of net.grads) assertAgree(g, grads[model.params.get(name).name].dataSync(), 1e-4, `${what} ${name}`);
      const clipped = net.grads.get('prior.pseudoInputs')!;
      assert.equal(clipped[0], 0, 'no gradient where the clip holds a pseudo-input at 0');
      assert.ok(clipped.some((g) => g !== 0));
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  }
});

test('VampPrior: importance log-weights agree with the model\'s own', { skip }, () => {
  const rows = 5;
  const samples = 7;
  const x = binary(rows * DIM, 13);
  const model = vampVae({ hidden: [20] }, 2);
  const expected = tf.tidy(() => model.importanceLogWeights(tf.tensor2d(x, [rows, DIM]), samples, new Rng(4, Stream.evalEps)).dataSync());
  const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
  const actual = net.importanceLogWeights(x, rows, samples, new Rng(4, Stream.evalEps).fillNormal(new Float32Array(samples * rows * LATENT)));
  assertClose(actual, expected, 1e-5, 1e-4, 'log-weights');
  model.dispose();
});

test('VampPrior: training takes the same losses per step and reaches the same validation on the fast path as on tfjs', { skip }, async () => {
  const config = resolveRunConfig([{ source: 'test', values: { model: { hidden: [32], latentDim: 4, activation: 'tanh', prior: 'vamp', pseudoInputs: 10 }, train: { epochs: 3, batchSize: 20, seed: 2 }, data: { valSize: 20, binarize: 'dynamic' } } }]);
  const data = prepareTrainingData({ train: binaryImages(120) }, config.data, 0);
  const fast = await trainOnEngine(config, data, kernels);
  const portable = await trainOnEngine(config, data, null);
  assert.equal(fast.steps.length, 15);
  assertClose(fast.steps, portable.steps, 1e-4, 0, 'running training loss per step');
  for (const [i, h] of fast.history.entries()) {
    for (const term of ['total', 'recon', 'kl']) assertClose([h.val![term]], [portable.history[i].val![term]], 1e-3, 0, `epoch ${i + 1} validation ${term}`);
  }
  assertAgree(fast.params.get('prior.pseudoInputs')!, portable.params.get('prior.pseudoInputs')!, 1e-3, 'pseudo-inputs after training');
});
