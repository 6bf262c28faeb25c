/**
 * The native fast path against the portable tfjs path: every kernel, every layer and loss, the whole model's
 * gradient, Adam, the importance weights, and a few hundred training steps. The native tests skip where the
 * addon was not built, unless VAEKIT_REQUIRE_NATIVE=1 (as in .ci/run), where its absence is a failure.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, RunConfig } from '../../src/config/run.js';
import { prepareTrainingData, PreparedData } from '../../src/data/prepare.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { evaluateLoss } from '../../src/eval/elbo.js';
import { useFusedKernels } from '../../src/fastpath/fused.js';
import { MlpVaeOnKernels } from '../../src/fastpath/mlpVae.js';
import { bernoulliWith, fillNormalWith } from '../../src/fastpath/random.js';
import { binarizeInPlace } from '../../src/data/transforms.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { ACTIVATIONS, dense } from '../../src/nn/dense.js';
import { KERNEL_DECODERS, logLikelihood } from '../../src/models/likelihood.js';
import { Vae, VAE_DEFAULTS, VaeConfig } from '../../src/models/vae.js';
import { loadDataset } from '../../src/node/datasets.js';
import { loadNativeKernels } from '../../src/node/native.js';
import { klStdNormal, reparameterize } from '../../src/prob/gaussian.js';
import { Rng, Stream } from '../../src/rng.js';
import { Adam } from '../../src/train/adam.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertNativeIfRequired, binary, kernels, loaded, nativeSkip } from '../helpers/native.js';
import { trainOnEngine, trainRun } from '../helpers/train.js';
import { assertAgree, assertClose, useTestBackend } from '../helpers/engine.js';

const skip = nativeSkip;

function random(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed, 99);
  return new Float32Array(n).map(() => scale * rng.normal());
}

before(async () => {
  assertNativeIfRequired();
  await useTestBackend();
  // Two threads whatever OMP_NUM_THREADS says (npm test sets 1): the kernels' threaded loops run.
  loaded.kernels?.backend.setThreads(2);
});

test('without the addon vaekit falls back to the portable path and says why', async () => {
  const missing = loadNativeKernels('/nonexistent/vaekit-native.node');
  assert.equal(missing.kernels, null);
  assert.match(missing.reason!, /\/nonexistent\/vaekit-native\.node was not built/);

  const notAnAddon = loadNativeKernels(new URL('../../package.json', import.meta.url).pathname);
  assert.equal(notAnAddon.kernels, null);
  assert.match(notAnAddon.reason!, /failed to load|lacks/);

  process.env.VAEKIT_NATIVE = '0';
  try {
    assert.match(loadNativeKernels().reason!, /VAEKIT_NATIVE=0/);
  } finally {
    delete process.env.VAEKIT_NATIVE;
  }

  const cfg = resolveRunConfig([{ source: 'test', values: { model: { hidden: [16], latentDim: 2 }, train: { epochs: 1, batchSize: 50 } } }]);
  const data = prepareTrainingData(await loadDataset({ data: 'mnist' }), { ...cfg.data, limit: 100, valSize: 0 }, 0);
  const run = createRun(cfg, data.train.shape, initialTrainState());
  let path = '';
  await trainRun(run, data, cfg, {}, { fused: missing.kernels, onEngine: (p) => (path = p) });
  assert.equal(path, 'portable');
  assert.equal(run.state.step, 2);
  disposeRun(run);
});

test('the kernels reject arrays of the wrong type or size, naming the argument', { skip }, () => {
  const a = new Float32Array(6);
  assert.throws(() => kernels.gemm(false, false, 2, 2, 3, a, a, new Float32Array(3), 0), /argument 7 has 3 elements, needs 4/);
  assert.throws(() => kernels.gemm(false, false, 2, 2, 3, a, new Float64Array(6) as unknown as Float32Array, a, 0), /argument 6 must be a Float32Array/);
});

test('gemm agrees with tfjs matMul for every transpose', { skip }, () => {
  const [m, n, k] = [7, 5, 9];
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const c = random(m * n, 3);
    const expected = tf.tidy(() => {
      const at = tf.tensor2d(a, ta ? [k, m] : [m, k]);
      const bt = tf.tensor2d(b, tb ? [n, k] : [k, n]);
      return tf.add(tf.matMul(at, bt, ta, tb), tf.mul(tf.tensor2d(c, [m, n]), 0.5)).dataSync();
    });
    kernels.gemm(ta, tb, m, n, k, a, b, c, 0.5);
    assertClose(c, expected, 1e-5, 1e-5, `gemm ${ta} ${tb}`);
  }
});

test('a dense layer agrees with the tfjs layer, forward and backward, for every activation', { skip }, () => {
  const [rows, inSize, outSize] = [6, 10, 8];
  const x = random(rows * inSize, 4);
  const w = random(inSize * outSize, 5, 0.5);
  const b = random(outSize, 6);
  const dy = random(rows * outSize, 7);
  for (const activation of ACTIVATIONS) {
    const code = ACTIVATIONS.indexOf(activation);
    const y = new Float32Array(rows * outSize);
    kernels.gemm(false, false, rows, outSize, inSize, x, w, y, 0);
    kernels.biasActivation(y, b, rows, outSize, code);
    const dPre = dy.slice();
    kernels.activationGrad(dPre, y, dPre.length, code);
    const dw = new Float32Array(inSize * outSize);
    const db = new Float32Array(outSize);
    const dx = new Float32Array(rows * inSize);
    kernels.gemm(true, false, inSize, outSize, rows, x, dPre, dw, 0);
    kernels.columnSums(dPre, rows, outSize, db);
    kernels.gemm(false, true, rows, inSize, outSize, dPre, w, dx, 0);

    const [yRef, dxRef, dwRef, dbRef] = tf.tidy(() => {
      const [xt, wt, bt] = [tf.tensor2d(x, [rows, inSize]), tf.tensor2d(w, [inSize, outSize]), tf.tensor1d(b)];
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, activation), tf.tensor2d(dy, [rows, outSize])));
      const grads = tf.grads(f)([xt, wt, bt]);
      return [dense(xt, wt, bt, activation), ...grads].map((t) => t.dataSync());
    });
    assertClose(y, yRef, 1e-5, 1e-6, `${activation} forward`);
    assertClose(dx, dxRef, 1e-4, 1e-5, `${activation} input gradient`);
    assertClose(dw, dwRef, 1e-4, 1e-5, `${activation} weight gradient`);
    assertClose(db, dbRef, 1e-4, 1e-5, `${activation} bias gradient`);
  }
});

test('each decoder likelihood agrees with tfjs, value and gradient, including samples stacked over data rows', { skip }, () => {
  const [dataRows, samples, dim] = [4, 3, 30];
  const rows = dataRows * samples;
  const x = new Float32Array(dataRows * dim).map((_, i) => (i % 3 === 0 ? 1 : (i % 7) / 7));
  for (const decoder of KERNEL_DECODERS) {
    const width = decoder === 'gaussian-learned' ? 2 * dim : dim;
    const out = random(rows * width, 8, 2);
    const opts = { decoder, sigma: 0.7, minLogVar: -3 };
    const logLik = new Float32Array(rows);
    const dOut = new Float32Array(rows * width);
    kernels.logLikelihood(out, x, rows, dim, dataRows, KERNEL_DECODERS.indexOf(decoder), opts.sigma, opts.minLogVar, logLik, dOut, 0.25);
    const [valueRef, gradRef] = tf.tidy(() => {
      const xt = tf.tile(tf.tensor2d(x, [dataRows, dim]), [samples, 1]) as tf.Tensor2D;
      const f = (o: tf.Tensor) => tf.mul(tf.sum(logLikelihood(o as tf.Tensor2D, xt, opts)), -0.25);
      const outT = tf.tensor2d(out, [rows, width]);
      return [logLikelihood(outT, xt, opts).dataSync(), tf.grad(f)(outT).dataSync()];
    });
    assertClose(logLik, valueRef, 1e-5, 1e-4, `${decoder} log-likelihood`);
    assertClose(dOut, gradRef, 1e-4, 1e-6, `${decoder} gradient`);
  }
});

test('the Gaussian head (reparameterization and KL) and its gradient agree with tfjs', { skip }, () => {
  const [rows, k, samples] = [5, 4, 3];
  const encOut = random(rows * 2 * k, 9, 0.8);
  const eps = random(samples * rows * k, 10);
  const dz = random(samples * rows * k, 11);
  const klWeight = 0.3;
  const z = new Float32Array(samples * rows * k);
  const kl = new Float32Array(rows);
  kernels.gaussianHead(encOut, eps, rows, k, samples, z, kl);
  const dEnc = new Float32Array(rows * 2 * k);
  kernels.gaussianHeadGrad(encOut, eps, dz, rows, k, samples, klWeight, dEnc);
  const [zRef, klRef, dRef] = tf.tidy(() => {
    const f = (e: tf.Tensor) => {
      const [mean, logVar] = tf.split(e, 2, 1);
      const zz = reparameterize(tf.concat(Array(samples).fill(mean), 0), tf.concat(Array(samples).fill(logVar), 0), tf.tensor2d(eps, [samples * rows, k]));
      return { zz, kll: klStdNormal(mean, logVar) };
    };
    const enc = tf.tensor2d(encOut, [rows, 2 * k]);
    const loss = (e: tf.Tensor) => {
      const { zz, kll } = f(e);
      return tf.add(tf.sum(tf.mul(zz, tf.tensor2d(dz, [samples * rows, k]))), tf.mul(tf.sum(kll), klWeight));
    };
    const { zz, kll } = f(enc);
    return [zz.dataSync(), kll.dataSync(), tf.grad(loss)(enc).dataSync()];
  });
  assertClose(z, zRef, 1e-5, 1e-6, 'z');
  assertClose(kl, klRef, 1e-5, 1e-5, 'KL');
  assertClose(dEnc, dRef, 1e-4, 1e-5, 'encoder-output gradient');
});

test('the kernels draw the same random numbers as src/rng.ts and leave the stream where it would be', { skip }, () => {
  for (const n of [1, 2, 1001, 100352]) {
    const x = new Float32Array(n).map((_, i) => (i % 11) / 10);
    const expected = binarizeInPlace(x.slice(), new Rng(7, Stream.binarize, n));
    const rng = new Rng(7, Stream.binarize, n);
    assert.deepEqual(bernoulliWith(kernels, rng, x), expected, `binarization of ${n} values`);
    const reference = new Rng(7, Stream.binarize, n);
    for (let i = 0; i < n; i++) reference.uniform();
    assert.equal(rng.uniform(), reference.uniform(), 'the stream continues where the JS draws would leave it');

    const normals = fillNormalWith(kernels, new Rng(8, Stream.eps, n), new Float32Array(n));
    const js = new Rng(8, Stream.eps, n);
    // Box-Muller's log, sin and cos come from different libraries: equal to float rounding.
    assertClose(normals, js.fillNormal(new Float32Array(n)), 1e-6, 1e-7, `${n} normals`);
  }
  const odd = new Rng(9, 1);
  fillNormalWith(kernels, odd, new Float32Array(3));
  const js = new Rng(9, 1);
  js.fillNormal(new Float32Array(3));
  assertClose([odd.normal(), odd.normal()], [js.normal(), js.normal()], 1e-6, 1e-7, 'the spare normal of an odd count is kept');
});

test('an Adam step agrees with the tfjs Adam', { skip }, () => {
  const vae = new Vae({ ...VAE_DEFAULTS, hidden: [8], latentDim: 2 }, 12, 0);
  const adam = new Adam(vae.params, { lr: 0.01 });
  const values = vae.params.snapshot();
  const grads: tf.NamedTensorMap = {};
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [name, v] of values) {
    moments.set(name, { m: new Float32Array(v.length), v: new Float32Array(v.length) });
    grads[vae.params.get(name).name] = tf.tensor(random(v.length, name.length), vae.params.get(name).shape);
  }
  for (let t = 1; t <= 3; t++) {
    adam.apply(grads);
    for (const [name, p] of values) {
      const { m, v } = moments.get(name)!;
      const g = grads[vae.params.get(name).name].dataSync() as Float32Array;
      kernels.adam(p, g, m, v, p.length, adam.beta1, adam.beta2, adam.epsilon, 0.01 / (1 - adam.beta1 ** t), Math.sqrt(1 - adam.beta2 ** t));
    }
  }
  for (const [name, p] of values) assertClose(p, vae.params.get(name).dataSync(), 1e-5, 1e-6, name);
  tf.dispose(Object.values(grads));
  adam.dispose();
  vae.dispose();
});

const MODELS: Partial<VaeConfig>[] = [
  { decoder: 'bernoulli', hidden: [40, 30], activation: 'relu' },
  { decoder: 'gaussian', sigma: 0.5, hidden: [40], activation: 'tanh' },
  { decoder: 'gaussian-learned', hidden: [40], activation: 'softplus' },
  { decoder: 'bernoulli', hidden: [], activation: 'relu' },
];

test('the whole model: loss terms and every parameter gradient agree with tfjs autodiff, for L = 1 and 3', { skip }, () => {
  const rows = 12;
  const x = binary(rows * 50, 12);
  for (const overrides of MODELS) {
    for (const numSamples of [1, 3]) {
      const model = new Vae({ ...VAE_DEFAULTS, latentDim: 3, ...overrides }, 50, 1);
      const opts = { beta: 0.7, numSamples };
      const { grads, value } = tf.variableGrads(() => tf.mean(model.lossTerms({ x: tf.tensor2d(x, [rows, 50]) }, { ...opts, rng: new Rng(3, Stream.eps, 0) }).total) as tf.Scalar, model.params.list());
      const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
      const eps = new Rng(3, Stream.eps, 0).fillNormal(new Float32Array(numSamples * rows * 3));
      const losses = net.gradients(x, rows, opts.beta, numSamples, eps);
      const what = `${overrides.decoder} [${overrides.hidden}] ${overrides.activation} L=${numSamples}`;
      assertClose([losses.total], [value.dataSync()[0]], 1e-5, 0, `${what} loss`);
      for (const [name, g] of net.grads) assertAgree(g, grads[model.params.get(name).name].dataSync(), 1e-5, `${what} ${name}`);
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  }
});

test('importance log-weights agree with the model\'s own', { skip }, () => {
  const rows = 5;
  const samples = 7;
  const x = binary(rows * 50, 13);
  const model = new Vae({ ...VAE_DEFAULTS, latentDim: 3, hidden: [20] }, 50, 2);
  const expected = tf.tidy(() => model.importanceLogWeights(tf.tensor2d(x, [rows, 50]), samples, new Rng(4, Stream.evalEps)).dataSync());
  const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
  const actual = net.importanceLogWeights(x, rows, samples, new Rng(4, Stream.evalEps).fillNormal(new Float32Array(samples * rows * 3)));
  assertClose(actual, expected, 1e-5, 1e-4, 'log-weights');
  model.dispose();
});

test('the ELBO evaluation (validation, vaekit eval) agrees on both paths', { skip }, async () => {
  const cfg = trainingConfig(1);
  const val = prepareTrainingData(await loadDataset({ data: 'mnist' }), cfg.data, 0).val!;
  for (const numSamples of [1, 2]) {
    const model = new Vae({ ...VAE_DEFAULTS, hidden: [64] }, 784, 3);
    useFusedKernels(kernels);
    let fast: Record<string, number>;
    try {
      fast = evaluateLoss(model, val, { numSamples, seed: 5 });
    } finally {
      useFusedKernels(null);
    }
    const portable = evaluateLoss(model, val, { numSamples, seed: 5 });
    assert.deepEqual(Object.keys(fast), Object.keys(portable));
    for (const k of Object.keys(fast)) assertClose([fast[k]], [portable[k]], 1e-5, 0, `${k}, L=${numSamples}`);
    model.dispose();
  }
});

let data: PreparedData;
function trainingConfig(epochs: number): RunConfig {
  return resolveRunConfig([{ source: 'test', values: { train: { epochs, batchSize: 64 }, data: { limit: 3200 + 500, valSize: 500 } } }]);
}

test('150 training steps of the default model on real MNIST: the same losses on both paths to 1e-4', { skip }, async () => {
  const cfg = trainingConfig(3);
  data = prepareTrainingData(await loadDataset({ data: 'mnist' }), cfg.data, 0);
  const fast = await trainOnEngine(cfg, data, kernels);
  const portable = await trainOnEngine(cfg, data, null);
  assert.equal(fast.steps.length, 150);
  assertClose(fast.steps, portable.steps, 1e-4, 0, 'running training loss per step');
  // Validation scores the parameters reached, and a few rarely-updated weights (border pixels of the first
  // layer) drift apart by up to a few percent: Adam divides near-cancelling first moments by small second
  // moments, which turns float rounding in the gradients into visible differences, and the rounding itself
  // depends on the processor's BLAS kernels. Measured: training losses within 6e-5 over 300 steps on both
  // machines; validation terms within 6e-4 on a Zen 4 EPYC, but the KL 2.3e-3 apart on a Xeon (17.586 / 17.545).
  for (const [i, h] of fast.history.entries()) {
    for (const term of ['total', 'recon', 'kl']) {
      assertClose([h.train[term]], [portable.history[i].train[term]], 1e-4, 0, `epoch ${i + 1} training ${term}`);
      assertClose([h.val![term]], [portable.history[i].val![term]], 5e-3, 0, `epoch ${i + 1} validation ${term}`);
    }
  }
  assert.ok(fast.history[2].val!.total < fast.history[0].val!.total - 10, 'the fast path learns');
});

test('on the fast path, a run stopped mid-epoch and resumed ends bit-identical to an uninterrupted one', { skip }, async () => {
  const cfg = trainingConfig(2);
  const straight = createRun(cfg, data.train.shape, initialTrainState());
  await trainRun(straight, data, cfg, {}, { fused: kernels });
  const first = createRun(cfg, data.train.shape, initialTrainState());
  assert.equal(await trainRun(first, data, cfg, { shouldStop: () => first.state.step === 70 }, { fused: kernels }), 'stopped');
  const bytes = encodeCheckpoint(runToCheckpoint(first));
  disposeRun(first);
  const resumed = runFromCheckpoint(decodeCheckpoint(bytes, 'memory'), 'memory');
  assert.equal(await trainRun(resumed, data, resumed.config, {}, { fused: kernels }), 'finished');
  assert.deepEqual(resumed.state.history.map((h) => h.train), straight.state.history.map((h) => h.train));
  assert.deepEqual(resumed.optimizer.stateTensors(), straight.optimizer.stateTensors());
  assert.deepEqual(resumed.model.params.snapshot(), straight.model.params.snapshot());
  disposeRun(straight);
  disposeRun(resumed);
});

test('on the fast path without a validation set, each epoch ends with the model holding the weights reached, as its checkpoint does', { skip }, async () => {
  const cfg = resolveRunConfig([{ source: 'test', values: { train: { epochs: 2, batchSize: 64 }, data: { limit: 640, valSize: 0 } } }]);
  const noVal = prepareTrainingData(await loadDataset({ data: 'mnist' }), cfg.data, 0);
  const atEpochEnd: Map<string, Float32Array>[] = [];
  const run = createRun(cfg, noVal.train.shape, initialTrainState());
  await trainRun(run, noVal, cfg, { onEpochEnd: () => void atEpochEnd.push(run.model.params.snapshot()) }, { fused: kernels });
  const oneEpoch = createRun({ ...cfg, train: { ...cfg.train, epochs: 1 } }, noVal.train.shape, initialTrainState());
  await trainRun(oneEpoch, noVal, oneEpoch.config, {}, { fused: kernels });
  assert.deepEqual(atEpochEnd[0], oneEpoch.model.params.snapshot(), 'the first epoch checkpoint holds the first epoch weights');
  assert.deepEqual(atEpochEnd[1], run.model.params.snapshot());
  disposeRun(run);
  disposeRun(oneEpoch);
});
