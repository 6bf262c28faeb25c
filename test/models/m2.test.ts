/**
 * M2 and the conditional networks: the bounds of Kingma et al. 2014 (eqs. 6, 7, 9) against direct computation,
 * with MLP and conv networks; which of them declare the native fast path.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { M2, M2_DEFAULTS } from '../../src/models/m2.js';
import { Cvae, CVAE_DEFAULTS } from '../../src/models/cvae.js';
import { M1M2, M1M2_DEFAULTS } from '../../src/models/m1m2.js';
import { ConvVae, Vae } from '../../src/models/vae.js';
import { Kernels } from '../../src/fastpath/kernels.js';
import { ConditionalMlp } from '../../src/nn/conditional.js';
import { ImageShape } from '../../src/nn/convNet.js';
import { ParamStore } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { Adam } from '../../src/train/adam.js';
import { offersFusedEngine } from '../../src/train/train.js';
import { useFusedKernels } from '../../src/fastpath/fused.js';
import { createSemiSupervisedEngine } from '../../src/train/semiSupervisedEngine.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const K = 3;
const DIM = 6;
const BATCH = 4;

/** A tiny image shape for conv M2: one 4-channel convolution takes 8x8x1 to 4x4x4. */
const SHAPE: ImageShape = [8, 8, 1];
const IMAGE_DIM = 64;
const CONV = { net: 'conv' as const, channels: [4] };

function tinyM2(overrides: Partial<typeof M2_DEFAULTS> = {}): M2 {
  const conv = overrides.net === 'conv';
  return new M2({ ...M2_DEFAULTS, latentDim: 2, hidden: [5], classifierHidden: [4], classes: K, ...overrides }, conv ? IMAGE_DIM : DIM, 3, conv ? SHAPE : undefined);
}

function tinyInputs(seed = 1, dim = DIM): { x: tf.Tensor2D; labels: tf.Tensor1D } {
  const rng = new Rng(seed);
  const x = tf.tensor2d(Float32Array.from({ length: BATCH * dim }, () => (rng.uniform() < 0.4 ? 1 : 0)), [BATCH, dim]);
  return { x, labels: tf.tensor1d([0, 2, 1, 2], 'int32') };
}

for (const [net, overrides, dim] of [['mlp', {}, DIM], ['conv', CONV, IMAGE_DIM]] as const) test(`${net} M2: unlabelled bound U(x) = sum_y q(y|x) L(x,y) - H(q(y|x)), against L(x,y) for every label with the same draws`, async () => {
  const model = tinyM2(overrides);
  const { x, labels } = tinyInputs(1, dim);
  const opts = (rng: Rng) => ({ beta: 1, numSamples: 1, rng });
  const u = await assertNoLeak(() => tf.tidy(() => Array.from(model.unlabelledBound(x, opts(new Rng(7))).bound.dataSync())));
  // U draws eps label-major from one stream: label c's rows take the c-th block, as K successive labelled calls do.
  const rng = new Rng(7);
  const perLabel: number[][] = [];
  for (let c = 0; c < K; c++) {
    perLabel.push(tf.tidy(() => Array.from(model.labelledBound(x, tf.fill([BATCH], c, 'int32') as tf.Tensor1D, opts(rng)).bound.dataSync())));
  }
  const logQ = tf.tidy(() => Array.from(model.classifierLogProbs(x).dataSync()));
  const expected = Array.from({ length: BATCH }, (_, i) => {
    let weighted = 0;
    let entropy = 0;
    for (let c = 0; c < K; c++) {
      const q = Math.exp(logQ[i * K + c]);
      weighted += q * perLabel[c][i];
      entropy -= q * logQ[i * K + c];
    }
    return weighted - entropy;
  });
  assertClose(u, expected, 1e-5, 1e-4, 'U(x)');
  // q(y|x) is a distribution, and the entropy term is reported beside the bound.
  for (let i = 0; i < BATCH; i++) assertClose([[0, 1, 2].reduce((a, c) => a + Math.exp(logQ[i * K + c]), 0)], [1], 1e-5, 1e-6, 'sum q');
  tf.dispose([x, labels]);
  model.dispose();
});

test('labelled bound: L(x,y) = recon + KL + log K, and lossTerms report the classifier term -log q(y|x)', async () => {
  const model = tinyM2();
  const { x, labels } = tinyInputs(2);
  const terms = await assertNoLeak(() => tf.tidy(() => {
    const t = model.lossTerms({ x, labels }, { beta: 1, numSamples: 2, rng: new Rng(3) });
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v.dataSync())]));
  }));
  assert.deepEqual(Object.keys(terms).sort(), ['classifier', 'kl', 'recon', 'total']);
  assertClose(terms.total, terms.recon.map((r, i) => r + terms.kl[i] + Math.log(K)), 1e-5, 1e-4, 'L');
  const logQ = tf.tidy(() => Array.from(model.classifierLogProbs(x).dataSync()));
  assertClose(terms.classifier, [0, 2, 1, 2].map((y, i) => -logQ[i * K + y]), 1e-5, 1e-5, 'classifier');
  const unlabelled = tf.tidy(() => Object.keys(model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(3) })));
  assert.deepEqual(unlabelled.sort(), ['entropy', 'kl', 'recon', 'total']);
  tf.dispose([x, labels]);
  model.dispose();
});

test('the semi-supervised objective weighs the parts by the set sizes and adds alpha * mean -log q(y|x) (eq. 9)', () => {
  const model = tinyM2({ alpha: 0.3 });
  const { x, labels } = tinyInputs(3);
  const counts = { labelled: 30, unlabelled: 90 };
  const total = tf.tidy(() => model.semiSupervisedLoss({ labelled: { x, labels }, unlabelled: x }, counts, { beta: 1, numSamples: 1, rng: new Rng(5) }).total.dataSync()[0]);
  // The same draws in the same order: the labelled part first, then the unlabelled one.
  const rng = new Rng(5);
  const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
  const l = tf.tidy(() => model.lossTerms({ x, labels }, { beta: 1, numSamples: 1, rng }));
  const [lMean, ceMean] = [mean(l.total.dataSync()), mean(l.classifier.dataSync())];
  const uMean = tf.tidy(() => mean(model.lossTerms({ x }, { beta: 1, numSamples: 1, rng }).total.dataSync()));
  tf.dispose(l);
  assertClose([total], [(30 * lMean + 90 * uMean) / 120 + 0.3 * ceMean], 1e-5, 1e-4, 'J/N');
  tf.dispose([x, labels]);
  model.dispose();
});

test('the unlabelled bound stays finite when q(y|x) puts all its mass on one label', () => {
  const model = tinyM2();
  const { x } = tinyInputs(4);
  // A huge bias on the classifier's last layer: the other labels' q(y|x) underflow to 0.
  const bias = model.params.get('classifier.1.b');
  bias.assign(tf.tensor1d([200, -200, -200]));
  const u = tf.tidy(() => Array.from(model.unlabelledBound(x, { beta: 1, numSamples: 1, rng: new Rng(1) }).bound.dataSync()));
  assert.ok(u.every(Number.isFinite), `U = ${u}`);
  tf.dispose(x);
  model.dispose();
});

test('ConditionalMlp (first layer split into input and label parts) equals the MLP on [x, onehot(y)], values and gradients', () => {
  const params = new ParamStore();
  const net = new ConditionalMlp(params, 'net', [DIM, 5, 3], K, 'softplus', 'linear', new Rng(9));
  const { x, labels } = tinyInputs(5);
  const split = tf.tidy(() => Array.from(net.apply(x, labels).dataSync()));
  const concat = tf.tidy(() => Array.from(net.applyConcat(x, labels).dataSync()));
  assertClose(split, concat, 1e-5, 1e-6, 'outputs');
  const grads = (f: () => tf.Tensor) => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(f())) as tf.Scalar, params.list());
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Array.from(g.dataSync())]));
  });
  const a = grads(() => net.apply(x, labels));
  const b = grads(() => net.applyConcat(x, labels));
  for (const k of Object.keys(b)) assertClose(a[k], b[k], 1e-4, 1e-5, `grad ${k}`);
  tf.dispose([x, labels]);
  params.dispose();
});

test('CVAE: the loss needs labels; M1+M2 holds both parameter sets under m1/ and m2/ and classifies raw images', () => {
  const cvae = new Cvae({ ...CVAE_DEFAULTS, latentDim: 2, hidden: [5], classes: K }, DIM, 1);
  const { x, labels } = tinyInputs(6);
  assert.throws(() => cvae.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(1) }), /needs the label/);
  const t = tf.tidy(() => cvae.lossTerms({ x, labels }, { beta: 1, numSamples: 1, rng: new Rng(1) }).total.shape);
  assert.deepEqual(t, [BATCH]);
  const m1m2 = new M1M2({ ...M1M2_DEFAULTS, m1Latent: 3, m1Hidden: [5], latentDim: 2, hidden: [4], classifierHidden: [4], classes: K }, DIM, 1);
  const names = m1m2.params.names();
  assert.ok(names.some((n) => n.startsWith('m1/encoder')) && names.some((n) => n.startsWith('m2/classifier')), names.join(', '));
  assert.equal(names.length, m1m2.first.params.names().length + m1m2.second.params.names().length);
  assert.deepEqual(tf.tidy(() => m1m2.classifierLogProbs(x).shape), [BATCH, K]);
  const before = tf.memory().numTensors;
  m1m2.dispose();
  cvae.dispose();
  assert.ok(tf.memory().numTensors < before);
  tf.dispose([x, labels]);
});

test('conv M2: conv layers in q(z|x,y), p(x|y,z) and q(y|x), the right output shapes, a gradient for every parameter, no leaks', async () => {
  const model = tinyM2(CONV);
  for (const net of ['encoder', 'decoder', 'classifier']) assert.ok(model.params.names().some((n) => n.startsWith(`${net}.conv.`)), `${net} has conv layers`);
  const { x, labels } = tinyInputs(7, IMAGE_DIM);
  const opts = { beta: 1, numSamples: 2, rng: new Rng(2) };
  await assertNoLeak(() => tf.tidy(() => {
    assert.deepEqual(model.classifierLogProbs(x).shape, [BATCH, K]);
    const z = model.encodeMeanGiven(x, labels);
    assert.deepEqual(z.shape, [BATCH, 2]);
    const mean = model.decodeMeanGiven(z, labels);
    assert.deepEqual(mean.shape, [BATCH, IMAGE_DIM]);
    const pixels = mean.dataSync();
    assert.ok(pixels.every((p) => p > 0 && p < 1), 'Bernoulli means are probabilities');
    for (const t of Object.values(model.lossTerms({ x, labels }, opts))) assert.deepEqual(t.shape, [BATCH]);
    for (const t of Object.values(model.unlabelledBound(x, opts))) assert.deepEqual(t.shape, [BATCH]);
  }));
  const grads = await assertNoLeak(() => tf.tidy(() => {
    const { value, grads: g } = tf.variableGrads(() => model.semiSupervisedLoss({ labelled: { x, labels }, unlabelled: x }, { labelled: 10, unlabelled: 30 }, opts).total, model.trainable.list());
    assert.ok(Number.isFinite(value.dataSync()[0]));
    return [...model.params.vars].map(([name, v]) => [name, tf.any(tf.notEqual(g[v.name], 0)).dataSync()[0]] as const);
  }));
  for (const [name, moved] of grads) assert.ok(moved, `${name} gets a non-zero gradient`);
  tf.dispose([x, labels]);
  model.dispose();
});

test('only MLP networks declare the M2 fast path: a conv M2 and an M1+M2 with a conv M1 train through tfjs', () => {
  const mlp = tinyM2();
  const conv = tinyM2(CONV);
  assert.equal(typeof mlp.m2Plan, 'function');
  assert.equal(conv.m2Plan, undefined);
  assert.ok(offersFusedEngine(mlp) && !offersFusedEngine(conv));
  // Kernels that fail if touched: the conv model never reaches them.
  const untouchable = new Proxy({}, { get: () => assert.fail('the kernels were used for a conv M2') }) as Kernels;
  const adam = new Adam(conv.trainable, { lr: 1e-3 });
  useFusedKernels(untouchable);
  const engine = createSemiSupervisedEngine(conv, adam);
  useFusedKernels(null);
  assert.equal(engine.path, 'portable');
  engine.dispose();
  adam.dispose();
  const small = { ...M1M2_DEFAULTS, m1Latent: 3, m1Hidden: [5], latentDim: 2, hidden: [4], classifierHidden: [4], classes: K };
  const convM1 = new M1M2({ ...small, ...CONV }, IMAGE_DIM, 1, SHAPE);
  const mlpM1 = new M1M2(small, IMAGE_DIM, 1, SHAPE);
  assert.ok(convM1.first instanceof ConvVae && mlpM1.first instanceof Vae);
  assert.ok(convM1.params.names().some((n) => n.startsWith('m1/encoder.conv.')) && !convM1.params.names().some((n) => n.startsWith('m2/') && n.includes('conv')));
  assert.equal(convM1.m2Plan, undefined);
  assert.equal(typeof mlpM1.m2Plan, 'function');
  assert.ok(!offersFusedEngine(convM1) && offersFusedEngine(mlpM1));
  const { x, labels } = tinyInputs(8, IMAGE_DIM);
  tf.tidy(() => {
    assert.deepEqual(convM1.classifierLogProbs(x).shape, [BATCH, K]);
    assert.deepEqual(convM1.lossTerms({ x, labels }, { beta: 1, numSamples: 1, rng: new Rng(1) }).total.shape, [BATCH]);
  });
  tf.dispose([x, labels]);
  for (const m of [mlp, conv, convM1, mlpM1]) m.dispose();
});

test('net conv needs the image shape, and one that holds the input', () => {
  assert.throws(() => new M2({ ...M2_DEFAULTS, ...CONV }, IMAGE_DIM, 0), /--net conv needs the image shape/);
  assert.throws(() => new M2({ ...M2_DEFAULTS, ...CONV }, IMAGE_DIM + 1, 0, SHAPE), /does not hold 65 values/);
  assert.throws(() => new M1M2({ ...M1M2_DEFAULTS, ...CONV }, IMAGE_DIM, 0), /--net conv needs the image shape/);
});
