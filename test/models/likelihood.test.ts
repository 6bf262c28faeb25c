import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Kernels } from '../../src/fastpath/kernels.js';
import { decoderMean, decoderOutputSize, DECODERS, isKernelDecoder, KERNEL_DECODERS, logLikelihood, MIN_LOG_SCALE } from '../../src/models/likelihood.js';
import { createModel } from '../../src/models/create.js';
import { createVae, PortableMlpVae, Vae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { logDiscretizedLogistic } from '../../src/prob/logistic.js';
import { Rng } from '../../src/rng.js';
import { Adam } from '../../src/train/adam.js';
import { createStepEngine } from '../../src/train/engine.js';
import { useFusedKernels } from '../../src/fastpath/fused.js';
import { assertClose, assertNoLeak, readNow, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const softplus = (t: number) => Math.log1p(Math.exp(t));

test('gaussian-learned: log p(x|z) from the raw decoder output equals a hand computation', () => {
  // Decoder output [mean | raw]; logVar = minLogVar + softplus(raw - minLogVar) (the soft floor), then
  // log N(x; mean, exp(logVar)) = -0.5 sum(log(2 pi) + logVar + (x - mean)^2 / exp(logVar)).
  const minLogVar = -6;
  const x = [0.2, 0.9, 0.5];
  const mean = [0.25, 0.5, 0.5];
  const raw = [-1, 2, -10];
  let expected = 0;
  for (let j = 0; j < 3; j++) {
    const logVar = minLogVar + softplus(raw[j] - minLogVar);
    expected += -0.5 * (Math.log(2 * Math.PI) + logVar + (x[j] - mean[j]) ** 2 / Math.exp(logVar));
  }
  // Pixel 1 by hand: logVar = -6 + softplus(8) = 2.000335; -0.5 (1.837877 + 2.000335 + 0.16 / 7.391541).
  assert.ok(Math.abs(-0.5 * (Math.log(2 * Math.PI) + (minLogVar + softplus(8)) + 0.16 / Math.exp(minLogVar + softplus(8))) - -0.5 * (1.837877 + 2.000335 + 0.16 / 7.391541)) < 1e-5);
  const got = tf.tidy(() => logLikelihood(tf.tensor2d([[...mean, ...raw]]), tf.tensor2d([x]), { decoder: 'gaussian-learned', sigma: 1, minLogVar }).dataSync()[0]);
  assertClose([got], [expected], 1e-5, 1e-5, 'gaussian-learned');
});

test('discretized-logistic: output [mean | raw log-scale] with the soft floor; mean clipped for display', async () => {
  assert.equal(decoderOutputSize('discretized-logistic', 7), 14);
  const out = tf.tensor2d([[0.3, -0.2, 1.4, -1, -20, 3]]);
  const x = tf.tensor2d([[77 / 255, 0, 1]]);
  const opts = { decoder: 'discretized-logistic' as const, sigma: 1, minLogVar: -6 };
  await assertNoLeak(() => {
    const got = tf.tidy(() => logLikelihood(out, x, opts).dataSync()[0]);
    const logScale = [-1, -20, 3].map((r) => MIN_LOG_SCALE + softplus(r - MIN_LOG_SCALE));
    const expected = tf.tidy(() => logDiscretizedLogistic(x, tf.tensor2d([[0.3, -0.2, 1.4]]), tf.tensor2d([logScale])).dataSync()[0]);
    assertClose([got], [expected], 1e-6, 1e-6, 'logLikelihood');
    assert.deepEqual(tf.tidy(() => Array.from(decoderMean(out, opts).dataSync())).map((v) => Math.round(v * 1e6) / 1e6), [0.3, 0, 1]);
  });
  tf.dispose([out, x]);
});

test('the kernel decoders keep their codes; the discretized logistic is not one of them', () => {
  assert.deepEqual([...KERNEL_DECODERS], ['bernoulli', 'gaussian', 'gaussian-learned']);
  assert.deepEqual(DECODERS.slice(0, 3), KERNEL_DECODERS);
  assert.ok(DECODERS.includes('discretized-logistic'));
  assert.equal(isKernelDecoder('discretized-logistic'), false);
  assert.ok(KERNEL_DECODERS.every(isKernelDecoder));
});

test('a discretized-logistic VAE offers no fast-path plan and trains through tfjs even when kernels are given', () => {
  const config = { ...VAE_DEFAULTS, latentDim: 2, hidden: [8], decoder: 'discretized-logistic' as const };
  assert.throws(() => new Vae(config, 12, 0), /Vae offers the fast path, whose decoders are bernoulli, gaussian, gaussian-learned; build a discretized-logistic VAE with createVae/);
  const model = createModel({ ...config, kind: 'vae' }, 12, 0);
  assert.ok(model instanceof PortableMlpVae);
  assert.equal((model as { mlpVaePlan?: unknown }).mlpVaePlan, undefined);
  assert.ok(createVae({ ...config, decoder: 'gaussian' }, 12, 0) instanceof Vae);
  // Kernels that fail if touched: the engine must not pick them.
  const kernels = new Proxy({}, { get: () => { throw new Error('kernels touched'); } }) as Kernels;
  const adam = new Adam(model.params, { lr: 1e-2 });
  useFusedKernels(kernels);
  const engine = createStepEngine(model, adam, 12);
  useFusedKernels(null);
  assert.equal(engine.path, 'portable');
  const x = Float32Array.from({ length: 4 * 12 }, (_, i) => ((i * 37) % 256) / 255);
  const first = readNow(engine.gradients({ x, rows: 4 }, { beta: 1, numSamples: 1, rng: new Rng(0) }));
  assert.deepEqual(first.names, ['total', 'recon', 'kl']);
  assert.ok(first.values.every(Number.isFinite));
  engine.apply();
  for (let i = 0; i < 30; i++) {
    engine.gradients({ x, rows: 4 }, { beta: 1, numSamples: 1, rng: new Rng(0) });
    engine.apply();
  }
  const last = readNow(engine.gradients({ x, rows: 4 }, { beta: 1, numSamples: 1, rng: new Rng(0) }));
  engine.discard();
  assert.ok(last.values[0] < first.values[0], `loss ${first.values[0]} -> ${last.values[0]}`);
  engine.dispose();
  adam.dispose();
  model.dispose();
});
