/**
 * The IWAE bound on the native fast path against tfjs autodiff: the terms and every parameter gradient, and a
 * short training whose losses match step by step. Skips where the addon was not built, unless
 * VAEKIT_REQUIRE_NATIVE=1.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { prepareTrainingData } from '../../src/data/prepare.js';
import { evaluateLoss } from '../../src/eval/elbo.js';
import { useFusedKernels } from '../../src/fastpath/fused.js';
import { MlpVaeOnKernels } from '../../src/fastpath/mlpVae.js';
import { Vae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { Rng, Stream } from '../../src/rng.js';
import { assertAgree, assertClose, useTestBackend } from '../helpers/engine.js';
import { assertNativeIfRequired, binary, binaryImages, kernels, KERNEL_DECODER_MODELS, nativeSkip } from '../helpers/native.js';
import { trainOnEngine } from '../helpers/train.js';

const skip = nativeSkip;

before(async () => {
  assertNativeIfRequired();
  await useTestBackend();
});

test('the IWAE bound: terms and every parameter gradient agree with tfjs autodiff, for K = 1 and 5, beta 1 and 0.6', { skip }, () => {
  const rows = 10;
  const x = binary(rows * 50, 21);
  for (const overrides of KERNEL_DECODER_MODELS) {
    for (const [numSamples, beta] of [[1, 1], [5, 1], [5, 0.6]]) {
      const model = new Vae({ ...VAE_DEFAULTS, latentDim: 3, ...overrides }, 50, 4);
      const opts = { beta, numSamples, objective: 'iwae' as const };
      let terms: number[] = [];
      const { grads, value } = tf.variableGrads(() => {
        const t = model.lossTerms({ x: tf.tensor2d(x, [rows, 50]) }, { ...opts, rng: new Rng(3, Stream.eps, 0) });
        terms = [t.recon, t.kl].map((v) => tf.mean(v).dataSync()[0]);
        return tf.mean(t.total) as tf.Scalar;
      }, model.params.list());
      const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
      const eps = new Rng(3, Stream.eps, 0).fillNormal(new Float32Array(numSamples * rows * 3));
      const losses = net.gradients(x, rows, beta, numSamples, eps, 'iwae');
      const what = `${overrides.decoder} K=${numSamples} beta=${beta}`;
      assertClose([losses.total, losses.recon, losses.kl], [value.dataSync()[0], ...terms], 1e-5, 1e-5, `${what} terms`);
      for (const [name, g] of net.grads) assertAgree(g, grads[model.params.get(name).name].dataSync(), 1e-4, `${what} ${name}`);
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  }
});

test('training on the IWAE bound: the same losses per step and the same validation on the fast path as on tfjs', { skip }, async () => {
  const config = resolveRunConfig([{ source: 'test', values: { model: { hidden: [32], latentDim: 4, activation: 'tanh' }, train: { epochs: 4, batchSize: 20, numSamples: 5, objective: 'iwae', seed: 2 }, data: { valSize: 20, binarize: 'dynamic' } } }]);
  const data = prepareTrainingData({ train: binaryImages(120) }, config.data, 0);
  const fast = await trainOnEngine(config, data, kernels);
  const portable = await trainOnEngine(config, data, null);
  assert.equal(fast.steps.length, 20);
  assertClose(fast.steps, portable.steps, 1e-4, 0, 'running training loss per step');
  for (const [i, h] of fast.history.entries()) {
    for (const term of ['total', 'recon', 'kl']) assertClose([h.val![term]], [portable.history[i].val![term]], 1e-3, 0, `epoch ${i + 1} validation ${term}`);
  }
  assert.ok(fast.history[3].train.total < fast.history[0].train.total, 'the bound improves');
});

test('the IWAE validation figures agree on both paths and sit below the ELBO\'s', { skip }, () => {
  const model = new Vae({ ...VAE_DEFAULTS, latentDim: 3, hidden: [30] }, 100, 5);
  const images = binaryImages(120);
  const val: Dataset = { ...images, count: 60, images: images.images.subarray(0, 6000) };
  useFusedKernels(kernels);
  let fast: Record<string, number>;
  try {
    fast = evaluateLoss(model, val, { numSamples: 10, seed: 1, objective: 'iwae', batchSize: 25 });
  } finally {
    useFusedKernels(null);
  }
  const portable = evaluateLoss(model, val, { numSamples: 10, seed: 1, objective: 'iwae', batchSize: 25 });
  for (const k of ['total', 'recon', 'kl']) assertClose([fast[k]], [portable[k]], 1e-5, 0, k);
  const elbo = evaluateLoss(model, val, { numSamples: 10, seed: 1 });
  assert.ok(portable.total < elbo.total, `-iwae ${portable.total} below -elbo ${elbo.total}`);
  model.dispose();
});
