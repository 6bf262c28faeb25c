/**
 * vaekit's native tfjs backend against tfjs' cpu backend: every kernel it overrides on random shapes (odd sizes,
 * broadcasting each way, the conv geometries the models use, batch 1), the gradients of whole models, no
 * leaks, and the fallback to wasm where the addon is missing. Skips where the addon was not built, unless
 * VAEKIT_REQUIRE_NATIVE=1 (as in .ci/run).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { after, before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { createModel } from '../../src/models/create.js';
import { ModelConfig } from '../../src/models/registry.js';
import { MultiStepModel } from '../../src/models/types.js';
import { conv2d, conv2dTranspose } from '../../src/nn/conv.js';
import { CONV_GEOMETRY } from '../../src/nn/convNet.js';
import { defaultThreads, describeBackend, initBackend } from '../../src/node/backend.js';
import { loadNativeKernels } from '../../src/node/native.js';
import { NATIVE_BACKEND, NATIVE_KERNELS, registerNativeBackend } from '../../src/node/nativeBackend.js';
import { ParamStore } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { Adam, FUSED_ADAM } from '../../src/train/adam.js';
import { assertAgree, assertClose } from '../helpers/engine.js';

const load = loadNativeKernels();
const required = process.env.VAEKIT_REQUIRE_NATIVE === '1';
const skip = load.kernels ? false : required ? false : `native backend not built: ${load.reason}`;

before(async () => {
  if (load.kernels) {
    registerNativeBackend(load.kernels.backend, load.kernels.adam);
    // Two threads whatever OMP_NUM_THREADS says (npm test sets 1): the threaded loops and split reductions run.
    load.kernels.backend.setThreads(2);
  }
  // The cpu backend's advice to install tfjs-node is noise here.
  tf.env().set('PROD', true);
});

after(async () => {
  await tf.setBackend('wasm');
});

function values(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed, 7);
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

function tensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
}

/** The outputs of `f` on a backend, as arrays; `f` makes its inputs from seeds, so both backends see the same. */
async function on(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync().slice() as Float32Array);
  });
}

/** `f` on native and on cpu agree: every output to `rtol` of its largest magnitude (products), or element-wise. */
async function agrees(what: string, f: () => tf.Tensor | tf.Tensor[], rtol = 1e-5, elementWise = false): Promise<void> {
  const expected = await on('cpu', f);
  const actual = await on(NATIVE_BACKEND, f);
  assert.equal(actual.length, expected.length, `${what}: number of outputs`);
  actual.forEach((a, i) => {
    if (elementWise) assertClose(a, expected[i], rtol, 1e-6, `${what}[${i}]`);
    else assertAgree(a, expected[i], rtol, `${what}[${i}]`);
  });
}

test('the native backend registers every cpu kernel, overriding the hot ones', { skip }, () => {
  const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
  const native = new Set(tf.getKernelsForBackend(NATIVE_BACKEND).map((k) => k.kernelName));
  for (const name of cpu) assert.ok(native.has(name), `${name} missing on the native backend`);
  for (const name of NATIVE_KERNELS) assert.notEqual(tf.getKernel(name, NATIVE_BACKEND)!.kernelFunc, tf.getKernel(name, 'cpu')!.kernelFunc, name);
});

test('BatchMatMul: odd sizes, every transpose, batches broadcast either way, batch 1', { skip }, async () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    await agrees(`matMul ${ta} ${tb}`, () => tf.matMul(tensor(ta ? [13, 7] : [7, 13], 1), tensor(tb ? [5, 13] : [13, 5], 2), ta, tb));
  }
  await agrees('batched', () => tf.matMul(tensor([3, 4, 5], 1), tensor([3, 5, 6], 2)));
  await agrees('a broadcast', () => tf.matMul(tensor([1, 4, 5], 1), tensor([3, 5, 6], 2)));
  await agrees('b broadcast', () => tf.matMul(tensor([2, 3, 4, 5], 1), tensor([1, 1, 5, 6], 2), false, false));
  await agrees('one row', () => tf.matMul(tensor([1, 784], 1), tensor([784, 400], 2)));
  await agrees('k = 1', () => tf.matMul(tensor([9, 1], 1), tensor([1, 11], 2)));
});

test('_FusedMatMul: bias as a row, a scalar or a matrix, each fused activation', { skip }, async () => {
  for (const activation of ['linear', 'relu', 'elu', 'sigmoid', 'relu6', 'leakyrelu'] as const) {
    await agrees(`fused ${activation}`, () => tf.fused.matMul({ a: tensor([17, 9], 1), b: tensor([9, 11], 2), bias: tensor([11], 3), activation, leakyreluAlpha: 0.3 }));
  }
  await agrees('scalar bias, transposed', () => tf.fused.matMul({ a: tensor([9, 17], 1), b: tensor([11, 9], 2), transposeA: true, transposeB: true, bias: tensor([1], 3), activation: 'relu' }));
  await agrees('matrix bias', () => tf.fused.matMul({ a: tensor([17, 9], 1), b: tensor([9, 11], 2), bias: tensor([17, 11], 3) }));
  await agrees('prelu (falls back)', () => tf.fused.matMul({ a: tensor([5, 9], 1), b: tensor([9, 4], 2), activation: 'prelu', preluActivationWeights: tensor([4], 3) }));
  await agrees('fused gradient', () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: tf.ones([11]), activation: 'relu' })))([tensor([17, 9], 1), tensor([9, 11], 2)]));
});

/** [input shape, filter shape, stride, padding, dilation] of the convolutions the models use, and odd ones. */
const CONVS: [number[], number[], number, tf.backend_util.ExplicitPadding | 'same' | 'valid', number][] = [
  [[2, 32, 32, 3], [4, 4, 3, 8], 2, [[0, 0], [1, 1], [1, 1], [0, 0]], 1], // convNet's layer, CIFAR-10
  [[3, 28, 28, 1], [4, 4, 1, 5], 2, [[0, 0], [1, 1], [1, 1], [0, 0]], 1], // MNIST
  [[1, 7, 7, 6], [4, 4, 6, 4], 2, [[0, 0], [1, 2], [1, 2], [0, 0]], 1], // 7 -> 3 with the padding after that fits, batch 1
  [[2, 8, 6, 3], [5, 5, 3, 3], 1, 'same', 1], // the residual autoregression's masked 5x5
  [[2, 9, 11, 5], [3, 3, 5, 7], 1, 'valid', 1],
  [[2, 5, 5, 6], [1, 1, 6, 3], 1, 'valid', 1], // pointwise
  [[3, 9, 9, 4], [2, 2, 4, 5], 1, [[0, 0], [1, 1], [1, 1], [0, 0]], 2], // dilated, as conv.ts' filter gradient on wasm
];

test('Conv2D, FusedConv2D and their gradients (Conv2DBackpropInput, Conv2DBackpropFilter) on the models\' geometries', { skip }, async () => {
  for (const [xs, ws, stride, pad, dilation] of CONVS) {
    const what = `${xs} * ${ws} stride ${stride} pad ${JSON.stringify(pad)} dilation ${dilation}`;
    const x = () => tensor(xs, 1) as tf.Tensor4D;
    const w = () => tensor(ws, 2) as tf.Tensor4D;
    await agrees(`conv ${what}`, () => tf.conv2d(x(), w(), stride, pad, 'NHWC', dilation));
    await agrees(`fused conv ${what}`, () => tf.fused.conv2d({ x: x(), filter: w(), strides: stride, pad, dilations: dilation, bias: tensor([ws[3]], 3), activation: 'relu' }));
    if (dilation === 1) {
      await agrees(`conv gradients ${what}`, () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), 0.5)))([x(), w()]));
      const y = tf.tidy(() => tf.conv2d(x(), w(), stride, pad));
      const ys = y.shape;
      y.dispose();
      await agrees(`conv2dTranspose ${what}`, () => tf.conv2dTranspose(tensor(ys, 4) as tf.Tensor4D, w(), xs as [number, number, number, number], stride, pad));
    }
  }
});

test('the conv layers (src/nn/conv.ts) give the same values and gradients on native as on cpu', { skip }, async () => {
  const g = CONV_GEOMETRY;
  await agrees('conv layer', () => tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2d(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, g, 'elu'))))([tensor([3, 14, 14, 4], 1), tensor([4, 4, 4, 6], 2, 0.3), tensor([6], 3)]), 1e-5);
  await agrees('transposed conv layer', () => tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, 7, 7, g, 'relu'))))([tensor([2, 3, 3, 6], 1), tensor([4, 4, 4, 6], 2, 0.3), tensor([4], 3)]), 1e-5);
});

test('element-wise kernels match the cpu backend value by value, NaN and infinities included', { skip }, async () => {
  const specials = [0, -0, 1, -1, 1e-30, -1e-30, 20, -20, 88, -88, 89, -104, Infinity, -Infinity, NaN, 1e-7, -1e-7, 0.5, 3.3];
  const x = () => tf.concat([tensor([40000], 5, 4), tf.tensor(specials)]);
  const positive = () => tf.abs(x());
  const ops: [string, () => tf.Tensor][] = [
    ['exp', () => tf.exp(x())],
    ['log', () => tf.log(positive())],
    ['log of negatives', () => tf.log(x())],
    ['log1p', () => tf.log1p(positive())],
    ['softplus', () => tf.softplus(x())],
    ['sigmoid', () => tf.sigmoid(x())],
    ['relu', () => tf.relu(x())],
    ['neg', () => tf.neg(x())],
    ['sqrt', () => tf.sqrt(positive())],
    ['square', () => tf.square(x())],
    ['tanh', () => tf.tanh(x())],
    ['abs', () => tf.abs(x())],
    ['step', () => tf.step(x(), 0.25)],
    ['elu', () => tf.elu(x())],
    ['expm1', () => tf.expm1(x())],
    ['reciprocal', () => tf.reciprocal(x())],
    ['rsqrt', () => tf.rsqrt(positive())],
    ['leakyRelu', () => tf.leakyRelu(x(), 0.1)],
    ['relu6', () => tf.relu6(x())],
    ['clipByValue', () => tf.clipByValue(x(), -0.5, 2)],
    ['sign', () => tf.sign(x())],
  ];
  for (const [what, f] of ops) {
    const expected = await on('cpu', f);
    const actual = await on(NATIVE_BACKEND, f);
    for (let i = 0; i < expected[0].length; i++) {
      const [a, e] = [actual[0][i], expected[0][i]];
      if (Number.isNaN(e) || !Number.isFinite(e)) assert.ok(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `${what}[${i}]: ${a} vs ${e}`);
      // exp's Cephes polynomial and a subnormal flushed to 0 differ from Math.exp below ~1e-37 only; elu and expm1 near 0 are more exact than the cpu backend's exp(x) - 1.
      else assert.ok(Math.abs(a - e) <= 2e-6 * Math.abs(e) + 1e-20, `${what}[${i}] of ${i >= 40000 ? specials[i - 40000] : 'random'}: ${a} vs ${e}`);
    }
  }
});

test('broadcasting binary kernels, in every direction', { skip }, async () => {
  const pairs: [number[], number[]][] = [
    [[5, 7], [5, 7]],
    [[5, 7], [7]],
    [[7], [5, 7]],
    [[5, 1], [1, 7]],
    [[3, 1, 4], [2, 1]],
    [[2, 3, 4, 5], [3, 1, 5]],
    [[], [4, 3]],
    [[4, 3], []],
    [[130, 257], [257]], // large enough for threads
    [[8, 16, 16, 32], [32]],
    [[1, 1], [3, 1]],
  ];
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
  ];
  for (const [sa, sb] of pairs) {
    for (const [what, f] of ops) await agrees(`${what} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () => f(tensor(sa, 1), tensor(sb, 2)), 0, true);
  }
  await agrees('eluGrad', () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.elu(x), tensor([6, 5], 3))))(tensor([6, 5], 1)), 0, true);
});

test('reductions over every axis set, kept dims or not; transposes; slices, splits, pads and concatenations', { skip }, async () => {
  const shape = [4, 5, 6, 7];
  const axesList: (number | number[])[] = [0, 1, 2, 3, [0, 1], [1, 2], [0, 1, 2], [1, 3], [0, 2, 3], [0, 1, 2, 3], -1];
  for (const axes of axesList) {
    for (const keep of [false, true]) {
      await agrees(`sum ${axes} ${keep}`, () => tf.sum(tensor(shape, 1), axes, keep), 1e-6, true);
      await agrees(`mean ${axes} ${keep}`, () => tf.mean(tensor(shape, 1), axes, keep), 1e-6, true);
      await agrees(`max ${axes} ${keep}`, () => tf.max(tensor(shape, 1), axes, keep), 0, true);
      await agrees(`min ${axes} ${keep}`, () => tf.min(tensor(shape, 1), axes, keep), 0, true);
    }
  }
  await agrees('column sums of a tall matrix', () => tf.sum(tensor([64 * 16 * 16, 32], 1), 0), 1e-6, true);
  await agrees('row sums of a wide matrix', () => tf.sum(tensor([64, 3072], 1), 1), 1e-6, true);
  for (const perm of [[1, 0], [0, 2, 1], [2, 0, 1], [3, 1, 2, 0], [0, 3, 1, 2], [1, 2, 0, 4, 3]]) {
    const s = [3, 4, 5, 6, 2].slice(0, perm.length);
    await agrees(`transpose ${perm}`, () => tf.transpose(tensor(s, 1), perm), 0, true);
  }
  await agrees('slice', () => tf.slice(tensor(shape, 1), [1, 0, 2, 3], [2, 5, 3, -1]), 0, true);
  await agrees('split', () => tf.split(tensor([6, 10], 1), [3, 7], 1), 0, true);
  await agrees('split in 2', () => tf.split(tensor([5, 8, 3], 1), 2, 1), 0, true);
  await agrees('pad', () => tf.pad(tensor([2, 3, 4], 1), [[1, 0], [0, 2], [3, 1]], 1.5), 0, true);
  await agrees('concat', () => tf.concat([tensor([2, 3, 4], 1), tensor([2, 1, 4], 2), tensor([2, 5, 4], 3)], 1), 0, true);
  await agrees('concat rows', () => tf.concat([tensor([2, 3], 1), tensor([4, 3], 2)], 0), 0, true);
});

const SHAPE: [number, number, number] = [8, 8, 3];
const DIM = 8 * 8 * 3;

function config(kind: string, extra: Record<string, unknown>): ModelConfig {
  return resolveRunConfig([{ source: 'test', values: { model: { kind, ...extra } } }]).model;
}

/** The gradients of a model's loss (or of each step of a multi-step model) on one batch, as arrays. */
function modelGradients(kind: string, extra: Record<string, unknown>): tf.Tensor[] {
  const model = createModel(config(kind, extra), DIM, 0, SHAPE);
  const rng = new Rng(3, 4);
  const x = tf.tensor2d(Float32Array.from({ length: 5 * DIM }, () => rng.uniform()), [5, DIM]);
  const labels = tf.tensor1d(Int32Array.from({ length: 5 }, (_, i) => i % 10), 'int32');
  const opts = () => ({ beta: 1, numSamples: 1, rng: new Rng(1, 2) });
  const steps = (model as Partial<MultiStepModel>).trainingSteps ?? [{ params: model.params.names(), loss: (b: { x: tf.Tensor2D }, o: ReturnType<typeof opts>) => model.lossTerms(b, o) }];
  const out: tf.Tensor[] = [];
  for (const step of steps) {
    const { value, grads } = tf.variableGrads(() => tf.mean(step.loss({ x, labels }, opts()).total) as tf.Scalar, step.params.map((n) => model.params.get(n)));
    out.push(value, ...Object.values(grads));
  }
  model.dispose();
  tf.dispose([x, labels]);
  return out;
}

test('the gradients of a conv VAE, a conv AAE and an MLP AAE agree on native and cpu to float rounding', { skip }, async () => {
  const conv = { net: 'conv', channels: [4, 6], hidden: [], latentDim: 3 };
  await agrees('conv vae, gaussian-learned', () => modelGradients('vae', { ...conv, decoder: 'gaussian-learned' }), 2e-5);
  await agrees('conv vae, gaussian-ar', () => modelGradients('vae', { ...conv, decoder: 'gaussian-ar' }), 2e-5);
  await agrees('conv aae', () => modelGradients('aae', { ...conv, latentDim: 2 }), 2e-5);
  await agrees('mlp aae', () => modelGradients('aae', { latentDim: 2, hidden: [9] }), 2e-5);
  await agrees('mlp cvae', () => modelGradients('cvae', { latentDim: 2, hidden: [9] }), 2e-5);
});

test('no tensors or backend data left behind on the native backend', { skip }, async () => {
  await tf.setBackend(NATIVE_BACKEND);
  const backend = tf.backend();
  const counts = () => [tf.memory().numTensors, backend.numDataIds()];
  const before = counts();
  const out = modelGradients('vae', { net: 'conv', channels: [4, 6], hidden: [5], latentDim: 3, decoder: 'gaussian-learned' });
  tf.dispose(out);
  tf.tidy(() => {
    tf.sum(tf.max(tensor([3, 4, 5], 1), [0, 2]));
  });
  assert.deepEqual(counts(), before);
});

test('recycled output arrays stay private: values read, and views made by CPU kernels, outlive their tensor', { skip }, async () => {
  await tf.setBackend(NATIVE_BACKEND);
  const a = tf.exp(tensor([4, 6], 1));
  const read = a.dataSync();
  const expected = read.slice();
  const rows = tf.unstack(a); // the CPU Unpack: slices of a's array
  a.dispose();
  tf.tidy(() => {
    for (let i = 0; i < 4; i++) tf.exp(tensor([4, 6], 2 + i)).dataSync();
  });
  assert.deepEqual(read, expected);
  assert.deepEqual(rows[1].dataSync(), expected.slice(6, 12));
  tf.dispose(rows);
});

test('auto falls back to wasm, saying why, where the addon is missing; --backend native refuses', async () => {
  const saved = process.env.VAEKIT_NATIVE_PATH;
  process.env.VAEKIT_NATIVE_PATH = '/nonexistent/vaekit-native.node';
  try {
    assert.equal(await initBackend('auto'), 'wasm');
    assert.match(describeBackend(), /^wasm .*native backend unavailable: \/nonexistent\/vaekit-native.node was not built/);
    await assert.rejects(initBackend('native'), /--backend native: .* was not built.*--backend wasm/);
  } finally {
    if (saved === undefined) delete process.env.VAEKIT_NATIVE_PATH;
    else process.env.VAEKIT_NATIVE_PATH = saved;
  }
});

test('auto picks the native backend where the addon loads, with the threads asked for', { skip }, async () => {
  assert.equal(await initBackend('auto', { threads: 1 }), NATIVE_BACKEND);
  assert.match(describeBackend(), /^native \(OpenBLAS .*, 1 thread, /);
  await initBackend('native');
  const n = defaultThreads();
  assert.match(describeBackend(), new RegExp(`, ${n} threads?, `), `none asked: ${n}, as OMP_NUM_THREADS or the cores say`);
  await assert.rejects(initBackend('native', { threads: 0 }), /threads must be a positive integer/);
});

test('the default threads: OMP_NUM_THREADS where it holds a positive integer (its first level), else every core', () => {
  assert.equal(defaultThreads({ OMP_NUM_THREADS: '3' }), 3);
  assert.equal(defaultThreads({ OMP_NUM_THREADS: '4,2' }), 4);
  for (const value of [undefined, '', '0', '-2', '1.5', 'many']) assert.equal(defaultThreads({ OMP_NUM_THREADS: value }), cpus().length, String(value));
});

test('the fused Adam kernel updates as the element-wise ops do', { skip }, async () => {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const params = new ParamStore();
    params.add('w', tensor([7, 5], 1));
    params.add('b', tensor([5], 2));
    const adam = new Adam(params, { lr: 0.01 });
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => adam.apply({ [params.get('w').name]: tensor([7, 5], 3 + step), [params.get('b').name]: tensor([5], 9 + step) }));
    }
    const out = [...adam.stateTensors().values(), ...params.list().map((p) => p.dataSync().slice() as Float32Array)];
    params.dispose();
    adam.dispose();
    return out;
  };
  assert.ok(tf.getKernel(FUSED_ADAM, NATIVE_BACKEND));
  const expected = await run('cpu');
  const actual = await run(NATIVE_BACKEND);
  actual.forEach((a, i) => assertClose(a, expected[i], 1e-5, 1e-7, `state ${i}`));
});
