import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Mlp } from '../../src/nn/mlp.js';
import { ParamStore, uniformFanIn } from '../../src/nn/params.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const SIZES = [6, 5, 4, 3];

function makeMlp(seed: number, outputActivation: 'linear' | 'sigmoid' = 'linear'): { params: ParamStore; mlp: Mlp } {
  const params = new ParamStore();
  const mlp = new Mlp(params, 'enc', SIZES, 'tanh', outputActivation, new Rng(seed, 1));
  return { params, mlp };
}

test('Mlp names its parameters name.i.w / name.i.b with shapes [in, out] and [out]', () => {
  const { params } = makeMlp(0);
  assert.deepEqual(params.names(), ['enc.0.w', 'enc.0.b', 'enc.1.w', 'enc.1.b', 'enc.2.w', 'enc.2.b']);
  const shapes = Object.fromEntries(params.list().map((v, i) => [params.names()[i], v.shape]));
  assert.deepEqual(shapes, {
    'enc.0.w': [6, 5],
    'enc.0.b': [5],
    'enc.1.w': [5, 4],
    'enc.1.b': [4],
    'enc.2.w': [4, 3],
    'enc.2.b': [3],
  });
  assert.equal(params.count(), 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
  assert.ok(params.list().every((v) => v.trainable), 'every parameter is trainable');
  params.dispose();
});

test('Mlp rejects fewer than two sizes and a name already in the store', () => {
  const params = new ParamStore();
  assert.throws(() => new Mlp(params, 'dec', [4], 'relu', 'linear', new Rng(0)), /dec: an MLP needs at least an input and an output size/);
  new Mlp(params, 'dec', [2, 2], 'relu', 'linear', new Rng(0));
  assert.throws(() => new Mlp(params, 'dec', [2, 2], 'relu', 'linear', new Rng(0)), /parameter "dec.0.w" is defined twice/);
  params.dispose();
});

test('Mlp.apply gives [batch, out] equal to the layers composed in float64', () => {
  const { params, mlp } = makeMlp(1, 'sigmoid');
  const rng = new Rng(2, 2);
  const batch = 7;
  const x = Array.from({ length: batch }, () => Array.from({ length: SIZES[0] }, () => 2 * rng.uniform() - 1));
  const snap = params.snapshot();
  // tanh between layers, sigmoid after the last.
  let h = x;
  for (let layer = 0; layer < 3; layer++) {
    const w = snap.get(`enc.${layer}.w`)!;
    const b = snap.get(`enc.${layer}.b`)!;
    const [nIn, nOut] = [SIZES[layer], SIZES[layer + 1]];
    h = h.map((row) =>
      Array.from({ length: nOut }, (_, j) => {
        let s = b[j];
        for (let p = 0; p < nIn; p++) s += row[p] * w[p * nOut + j];
        return layer === 2 ? 1 / (1 + Math.exp(-s)) : Math.tanh(s);
      }),
    );
  }
  const out = tf.tidy(() => mlp.apply(tf.tensor2d(x)));
  assert.deepEqual(out.shape, [batch, 3]);
  assertClose(out.dataSync(), h.flat(), 1e-5, 1e-6, 'mlp output');
  out.dispose();
  params.dispose();
});

test('Mlp.apply with and without input gradient: no leaks, and every parameter gets a gradient', async () => {
  const { params, mlp } = makeMlp(3);
  const x = tf.randomUniform([4, 6], -1, 1, 'float32', 5) as tf.Tensor2D;
  await assertNoLeak(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(mlp.apply(x)) as tf.Scalar, params.list());
    assert.deepEqual(Object.keys(grads).sort(), params.list().map((v) => v.name).sort());
    for (const g of Object.values(grads)) assert.ok(g.dataSync().some((v) => v !== 0), 'a parameter gradient is all zeros');
    tf.dispose([value, ...Object.values(grads)]);
  });
  await assertNoLeak(() => {
    tf.tidy(() => {
      const gx = tf.grad((xt: tf.Tensor) => tf.sum(mlp.apply(xt as tf.Tensor2D, true)))(x);
      assert.deepEqual(gx.shape, [4, 6]);
      assert.ok(gx.dataSync().some((v) => v !== 0), 'input gradient is all zeros');
    });
  });
  x.dispose();
  params.dispose();
});

test('the same seed gives the same initial parameters, a different seed different ones', () => {
  const a = makeMlp(42);
  const b = makeMlp(42);
  const c = makeMlp(43);
  const sa = a.params.snapshot();
  const sb = b.params.snapshot();
  const sc = c.params.snapshot();
  for (const name of a.params.names()) {
    assert.deepEqual(sa.get(name), sb.get(name), `${name} differs with the same seed`);
    assert.notDeepEqual(sa.get(name), sc.get(name), `${name} is the same with another seed`);
  }
  // Within one network the layers are not copies of each other.
  assert.notDeepEqual(sa.get('enc.1.b')!.slice(0, 3), sa.get('enc.2.b'));
  for (const m of [a, b, c]) m.params.dispose();
});

test('ParamStore.load restores a snapshot and rejects missing, extra and wrong-size parameters by name', () => {
  const { params } = makeMlp(7);
  const other = makeMlp(8);
  const saved = params.snapshot();
  params.load(other.params.snapshot());
  assert.deepEqual(params.snapshot().get('enc.1.w'), other.params.snapshot().get('enc.1.w'));
  params.load(saved);
  for (const name of params.names()) assert.deepEqual(params.snapshot().get(name), saved.get(name), `${name} after load`);

  const missing = new Map(saved);
  missing.delete('enc.1.b');
  assert.throws(() => params.load(missing, 'run/model.ckpt'), { message: 'run/model.ckpt: parameter "enc.1.b" is missing' });

  const extra = new Map(saved);
  extra.set('dec.0.w', new Float32Array(3));
  assert.throws(() => params.load(extra, 'run/model.ckpt'), { message: 'run/model.ckpt: unexpected parameter "dec.0.w"' });

  const wrong = new Map(saved);
  wrong.set('enc.2.w', new Float32Array(11));
  assert.throws(() => params.load(wrong), { message: 'checkpoint: parameter "enc.2.w" has 11 values, expected 12 (shape 4x3)' });

  assert.throws(() => params.get('enc.9.w'), /no parameter named "enc.9.w"/);
  params.dispose();
  other.params.dispose();
});

test(
  'ParamStore.load that fails changes no parameter',
  () => {
    const { params } = makeMlp(7);
    const before = params.snapshot();
    const fresh = makeMlp(8).params;
    const bad = fresh.snapshot();
    fresh.dispose();
    bad.delete('enc.2.b');
    assert.throws(() => params.load(bad), /"enc.2.b" is missing/);
    const after = params.snapshot();
    params.dispose();
    const changed = [...before.keys()].filter((name) => !after.get(name)!.every((v, i) => v === before.get(name)![i]));
    assert.deepEqual(changed, [], 'parameters changed by a failed load');
  },
);

test('uniformFanIn draws within +-1/sqrt(fanIn) with variance bound^2 / 3 and mean 0', () => {
  for (const fanIn of [1, 4, 400]) {
    const bound = 1 / Math.sqrt(fanIn);
    const t = uniformFanIn([200, 250], fanIn, new Rng(fanIn, 3));
    assert.deepEqual(t.shape, [200, 250]);
    const v = t.dataSync();
    t.dispose();
    const n = v.length;
    let max = 0;
    let sum = 0;
    let sumSq = 0;
    for (const x of v) {
      max = Math.max(max, Math.abs(x));
      sum += x;
      sumSq += x * x;
    }
    assert.ok(max <= bound, `fanIn ${fanIn}: |w| = ${max} > ${bound}`);
    // Nearly fills the interval: the largest of 50000 draws is within 1e-3 of the bound.
    assert.ok(max > 0.999 * bound, `fanIn ${fanIn}: max |w| = ${max} far below ${bound}`);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    const expected = (bound * bound) / 3;
    // sd of a U(-a, a) draw is a / sqrt 3; sd of its square is a^2 * 2 / sqrt(45).
    assert.ok(Math.abs(mean) <= (4 * bound) / Math.sqrt(3 * n), `fanIn ${fanIn}: mean ${mean}`);
    assert.ok(Math.abs(variance - expected) <= (4 * bound * bound * 2) / Math.sqrt(45 * n), `fanIn ${fanIn}: variance ${variance} vs ${expected}`);
  }
});
