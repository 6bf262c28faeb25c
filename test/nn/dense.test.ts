import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Activation, ACTIVATIONS, dense, denseAutodiff } from '../../src/nn/dense.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

interface Layer {
  batch: number;
  nIn: number;
  nOut: number;
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  r: Float32Array;
}

function uniform(n: number, rng: Rng, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1));
}

function randomLayer(batch: number, nIn: number, nOut: number, seed: number): Layer {
  const rng = new Rng(seed, 1);
  return {
    batch,
    nIn,
    nOut,
    x: uniform(batch * nIn, rng, 1),
    w: uniform(nIn * nOut, rng, 1),
    b: uniform(nOut, rng, 0.5),
    r: uniform(batch * nOut, rng, 1),
  };
}

/** Pre-activations x W + b in float64. */
function preActivations(l: Layer): number[] {
  const out: number[] = [];
  for (let i = 0; i < l.batch; i++) {
    for (let j = 0; j < l.nOut; j++) {
      let s = l.b[j];
      for (let p = 0; p < l.nIn; p++) s += l.x[i * l.nIn + p] * l.w[p * l.nOut + j];
      out.push(s);
    }
  }
  return out;
}

/** A layer whose pre-activations all lie at least `margin` from 0, so relu/elu kinks are not crossed. */
function layerAwayFromKink(batch: number, nIn: number, nOut: number, margin: number): Layer {
  for (let seed = 0; seed < 1000; seed++) {
    const l = randomLayer(batch, nIn, nOut, 500 + seed);
    if (preActivations(l).every((p) => Math.abs(p) > margin)) return l;
  }
  throw new Error('no layer found away from the kink');
}

const ACT64: Record<Activation, (t: number) => number> = {
  linear: (t) => t,
  relu: (t) => Math.max(t, 0),
  tanh: Math.tanh,
  sigmoid: (t) => 1 / (1 + Math.exp(-t)),
  elu: (t) => (t > 0 ? t : Math.expm1(t)),
  softplus: (t) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))),
};

function tensors(l: Layer) {
  return {
    x: tf.tensor2d(l.x, [l.batch, l.nIn]),
    w: tf.tensor2d(l.w, [l.nIn, l.nOut]),
    b: tf.tensor1d(l.b),
    r: tf.tensor2d(l.r, [l.batch, l.nOut]),
  };
}

test('dense forward equals denseAutodiff and float64 act(x W + b) for every activation', () => {
  const l = randomLayer(6, 7, 5, 1);
  const pre = preActivations(l);
  for (const act of ACTIVATIONS) {
    const [custom, auto] = tf.tidy(() => {
      const { x, w, b } = tensors(l);
      return [dense(x, w, b, act).dataSync().slice(), denseAutodiff(x, w, b, act).dataSync().slice()];
    });
    assertClose(custom, auto, 1e-5, 1e-6, `${act}: dense vs denseAutodiff`);
    assertClose(custom, pre.map(ACT64[act]), 1e-5, 1e-5, `${act}: dense vs float64`);
    const noInputGrad = tf.tidy(() => {
      const { x, w, b } = tensors(l);
      return dense(x, w, b, act, false).dataSync().slice();
    });
    assertClose(noInputGrad, auto, 1e-5, 1e-6, `${act}: dense(inputGrad=false) vs denseAutodiff`);
  }
});

test('dense gradients w.r.t. x, W and b equal autodiff for every activation', () => {
  for (const [batch, nIn, nOut] of [[6, 7, 5], [1, 3, 2], [9, 4, 8]]) {
    const l = randomLayer(batch, nIn, nOut, 10 * batch + nIn);
    for (const act of ACTIVATIONS) {
      const [custom, auto] = tf.tidy(() => {
        const { x, w, b, r } = tensors(l);
        const grads = (layer: typeof dense | typeof denseAutodiff) =>
          tf.grads((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
            tf.sum(tf.mul(layer(xt as tf.Tensor2D, wt as tf.Tensor2D, bt as tf.Tensor1D, act), r)),
          )([x, w, b]).map((g) => g.dataSync().slice());
        return [grads(dense), grads(denseAutodiff)];
      });
      ['x', 'W', 'b'].forEach((name, i) => {
        assert.ok(custom[i].some((v) => v !== 0), `${act}: d/d${name} is all zeros`);
        assertClose(custom[i], auto[i], 1e-5, 1e-6, `${act} ${batch}x${nIn}->${nOut}: d/d${name}`);
      });
    }
  }
});

test('dense with inputGrad=false gives the same W and b gradients as autodiff', () => {
  const l = randomLayer(5, 6, 4, 2);
  for (const act of ACTIVATIONS) {
    const { x, r } = tensors(l);
    const w = tf.variable(tf.tensor2d(l.w, [l.nIn, l.nOut]));
    const b = tf.variable(tf.tensor1d(l.b));
    const run = (f: () => tf.Tensor2D) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), r)) as tf.Scalar, [w, b]);
      const out = [grads[w.name].dataSync().slice(), grads[b.name].dataSync().slice()];
      tf.dispose([value, grads[w.name], grads[b.name]]);
      return out;
    };
    const custom = run(() => dense(x, w as tf.Variable as tf.Tensor2D, b as tf.Variable as tf.Tensor1D, act, false));
    const auto = run(() => denseAutodiff(x, w as tf.Variable as tf.Tensor2D, b as tf.Variable as tf.Tensor1D, act));
    assertClose(custom[0], auto[0], 1e-5, 1e-6, `${act}: d/dW without input gradient`);
    assertClose(custom[1], auto[1], 1e-5, 1e-6, `${act}: d/db without input gradient`);
    tf.dispose([x, r, w, b]);
  }
});

test('dense gradient w.r.t. W matches central finite differences', () => {
  const eps = 1e-2;
  const entries: [number, number][] = [[0, 0], [1, 3], [2, 1], [3, 4], [3, 2]];
  for (const act of ACTIVATIONS) {
    // 3x4 -> 5; for relu and elu every pre-activation is > 0.05 away from 0 so x W + b +- eps x stays on one side.
    const l = act === 'relu' || act === 'elu' ? layerAwayFromKink(3, 4, 5, 0.05) : randomLayer(3, 4, 5, 3);
    const loss = (wData: Float32Array) =>
      tf.tidy(() => {
        const { x, b, r } = tensors(l);
        return tf.sum(tf.mul(dense(x, tf.tensor2d(wData, [l.nIn, l.nOut]), b, act), r)).dataSync()[0];
      });
    const grad = tf.tidy(() => {
      const { x, w, b, r } = tensors(l);
      return tf.grad((wt: tf.Tensor) => tf.sum(tf.mul(dense(x, wt as tf.Tensor2D, b, act), r)))(w).dataSync().slice();
    });
    for (const [i, j] of entries) {
      const k = i * l.nOut + j;
      const plus = l.w.slice();
      const minus = l.w.slice();
      plus[k] += eps;
      minus[k] -= eps;
      const fd = (loss(plus) - loss(minus)) / (2 * eps);
      assertClose([grad[k]], [fd], 2e-2, 2e-3, `${act}: dL/dW[${i}][${j}] vs finite difference`);
    }
  }
});

test('a forward and backward pass through dense leaves no tensors behind', async () => {
  const l = randomLayer(4, 3, 2, 4);
  const { x, w, b, r } = tensors(l);
  const wv = tf.variable(tf.tensor2d(l.w, [l.nIn, l.nOut]));
  const bv = tf.variable(tf.tensor1d(l.b));
  for (const act of ACTIVATIONS) {
    await assertNoLeak(() =>
      tf.tidy(() => {
        tf.grads((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(dense(xt as tf.Tensor2D, wt as tf.Tensor2D, bt as tf.Tensor1D, act), r)))([x, w, b]);
      }),
    );
    await assertNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(dense(x, wv as tf.Variable as tf.Tensor2D, bv as tf.Variable as tf.Tensor1D, act, false), r)) as tf.Scalar, [wv, bv]);
      tf.dispose([value, ...Object.values(grads)]);
    });
  }
  tf.dispose([x, w, b, r, wv, bv]);
});
