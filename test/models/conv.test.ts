/**
 * Conv networks in the model kinds (`net: 'conv'`): shapes, which parameters a step moves, the decoder's head
 * layout, the fast-path declaration, checkpoints, and the refusals.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { isMultiStepModel, isLatentVariableModel, Model, CodeModel } from '../../src/models/types.js';
import { ConditionalCodeModel } from '../../src/models/labelled.js';
import { createModel } from '../../src/models/create.js';
import { ModelConfig } from '../../src/models/registry.js';
import { ConvVae, createVae, Vae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { DeconvTrunk } from '../../src/nn/convNet.js';
import { ParamStore } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [8, 6, 3];
const DIM = 8 * 6 * 3;
const NET = { net: 'conv', channels: [4, 5], hidden: [7], latentDim: 3 };

function config(kind: string, extra: Record<string, unknown> = {}): ModelConfig {
  return resolveRunConfig([{ source: 'test', values: { model: { kind, ...NET, ...extra } } }]).model;
}

function batch(rows: number, seed: number): { x: tf.Tensor2D; labels: tf.Tensor1D } {
  const r = new Rng(seed);
  return {
    x: tf.tensor2d(Float32Array.from({ length: rows * DIM }, () => r.uniform()), [rows, DIM]),
    labels: tf.tensor1d(Int32Array.from({ length: rows }, (_, i) => i % 10), 'int32'),
  };
}

/** The gradient of the batch mean of `total` for every parameter, as arrays. */
function gradients(model: Model, seed: number): Map<string, Float32Array> {
  const b = batch(4, seed);
  const { value, grads } = tf.variableGrads(() => tf.mean(model.lossTerms(b, { beta: 1, numSamples: 1, rng: new Rng(seed, 1) }).total) as tf.Scalar, model.params.list());
  const out = new Map([...model.params.vars].map(([n, v]) => [n, grads[v.name].dataSync().slice() as Float32Array]));
  tf.dispose([value, b.x, b.labels, ...Object.values(grads)]);
  return out;
}

const KINDS: [string, Record<string, unknown>][] = [
  ['vae', {}],
  ['vae', { decoder: 'gaussian-learned' }],
  ['vae', { decoder: 'discretized-logistic' }],
  ['ae', {}],
  ['dae', {}],
  ['cae', { contractive: 'stochastic' }],
  ['cvae', {}],
];

for (const [kind, extra] of KINDS) {
  test(`${kind} ${JSON.stringify(extra)} with net conv: shapes, and every parameter gets a gradient`, async () => {
    const model = createModel(config(kind, extra), DIM, 0, SHAPE);
    assert.ok(model.params.names().some((n) => n.startsWith('encoder.conv.')), 'conv parameters exist');
    await assertNoLeak(() =>
      tf.tidy(() => {
        const b = batch(4, 1);
        const terms = model.lossTerms(b, { beta: 1, numSamples: 2, rng: new Rng(0) });
        for (const t of Object.values(terms)) assert.deepEqual(t.shape, [4]);
        if (kind === 'cvae') {
          const m = model as unknown as ConditionalCodeModel;
          const z = m.encodeMeanGiven(b.x, b.labels);
          assert.deepEqual(z.shape, [4, 3]);
          assert.deepEqual(m.decodeMeanGiven(z, b.labels).shape, [4, DIM]);
        } else {
          const m = model as CodeModel;
          const z = m.encodeMean(b.x);
          assert.deepEqual(z.shape, [4, 3]);
          assert.deepEqual(m.decodeMean(z).shape, [4, DIM]);
        }
        if (isLatentVariableModel(model)) assert.deepEqual(model.importanceLogWeights(b.x, 3, new Rng(0)).shape, [3, 4]);
      }),
    );
    for (const [name, g] of await assertNoLeak(() => gradients(model, 2))) {
      assert.ok(g.some((v) => v !== 0), `${name} gets a non-zero gradient`);
    }
    model.dispose();
  });
}

test('aae with net conv: each step moves only its own networks, the conv layers included', () => {
  const model = createModel(config('aae', { latentDim: 2 }), DIM, 0, SHAPE);
  assert.ok(isMultiStepModel(model));
  const b = batch(4, 3);
  for (const step of model.trainingSteps) {
    const grads = tf.tidy(() => {
      const { grads: g } = tf.variableGrads(() => tf.mean(step.loss(b, { beta: 1, numSamples: 1, rng: new Rng(1) }).total) as tf.Scalar, step.params.map((n) => model.params.get(n)));
      return step.params.map((n) => tf.any(tf.notEqual(g[model.params.get(n).name], 0)).dataSync()[0]);
    });
    assert.ok(grads.every(Boolean), `${step.name}: every parameter it owns moves`);
  }
  assert.ok(model.trainingSteps[0].params.some((n) => n.startsWith('decoder.conv.')), 'recon trains the transposed convolutions');
  assert.ok(!model.trainingSteps[1].params.some((n) => n.includes('conv')), 'disc does not touch the conv layers');
  tf.dispose([b.x, b.labels]);
  model.dispose();
});

test('only the MLP VAE declares an mlpVaePlan: a conv VAE is never sent to the native kernels', () => {
  const conv = createVae({ ...VAE_DEFAULTS, ...NET, net: 'conv' }, DIM, 0, SHAPE);
  const mlp = createVae({ ...VAE_DEFAULTS, latentDim: 3, hidden: [7] }, DIM, 0, SHAPE);
  assert.ok(conv instanceof ConvVae);
  assert.equal((conv as Model).mlpVaePlan, undefined);
  assert.ok(mlp instanceof Vae);
  assert.equal(typeof (mlp as Model).mlpVaePlan, 'function');
  conv.dispose();
  mlp.dispose();
});

test('a decoder with two heads lays them out one after the other, each a whole image', () => {
  const params = new ParamStore();
  const trunk = new DeconvTrunk(params, 'd', SHAPE, [4], 2, 'relu', new Rng(0));
  // Zero filters, and biases that name the head and channel: the output is the bias, pixel by pixel.
  const bias = Float32Array.from([10, 11, 12, 20, 21, 22]);
  tf.tidy(() => {
    params.get('d.0.w').assign(tf.zerosLike(params.get('d.0.w')));
    params.get('d.0.b').assign(tf.tensor1d(bias));
    const out = trunk.apply(tf.ones([2, trunk.inSize])).dataSync();
    assert.equal(out.length, 2 * 2 * DIM);
    for (let row = 0; row < 2; row++) {
      for (let head = 0; head < 2; head++) {
        for (let p = 0; p < 8 * 6; p++) {
          for (let c = 0; c < 3; c++) assert.equal(out[row * 2 * DIM + head * DIM + p * 3 + c], 10 * (head + 1) + c, `row ${row}, head ${head}, pixel ${p}, channel ${c}`);
        }
      }
    }
  });
  params.dispose();
});

test('a conv run survives the checkpoint round trip: config, weights, outputs', () => {
  const cfg = resolveRunConfig([{ source: 'test', values: { model: { kind: 'vae', ...NET, channels: [2, 3] } } }]);
  const run = createRun(cfg, SHAPE, initialTrainState());
  const bytes = encodeCheckpoint(runToCheckpoint(run));
  const back = runFromCheckpoint(decodeCheckpoint(bytes, 'mem.ckpt'), 'mem.ckpt');
  const model = back.model as Model & { config: { net: string; channels: number[] } };
  assert.equal(model.config.net, 'conv');
  assert.deepEqual(model.config.channels, [2, 3]);
  assert.ok(back.model instanceof ConvVae);
  tf.tidy(() => {
    const { x } = batch(3, 4);
    const z = (run.model as ConvVae).encodeMean(x);
    assertClose((back.model as ConvVae).encodeMean(x).dataSync(), z.dataSync(), 0, 0, 'codes');
    assertClose((back.model as ConvVae).decodeMean(z).dataSync(), (run.model as ConvVae).decodeMean(z).dataSync(), 0, 0, 'decoded means');
  });
  disposeRun(run);
  disposeRun(back);
});

test('clear refusals: no image shape, a shape that does not fit, too many layers, the exact contractive penalty', () => {
  assert.throws(() => createModel(config('vae'), DIM, 0), /--net conv needs the image shape/);
  assert.throws(() => createModel(config('vae'), DIM + 1, 0, SHAPE), /does not hold 145 values/);
  assert.throws(() => createModel(config('vae', { channels: [2, 2, 2, 2] }), DIM, 0, SHAPE), /4 strided convolutions do not fit 8x6 images.*--conv-channels/);
  assert.throws(() => createModel(config('cae', { contractive: 'exact' }), DIM, 0, SHAPE), /--contractive exact .* use --contractive stochastic/);
});
