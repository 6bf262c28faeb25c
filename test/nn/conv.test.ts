/**
 * The conv layers against a float64 convolution written out as loops: forward values, and every gradient
 * against central finite differences of that float64 function. Odd and non-square sizes, several geometries.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Activation } from '../../src/nn/dense.js';
import { conv2d, conv2dTranspose, ConvGeometry, convOutputSize } from '../../src/nn/conv.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const ACT64: Record<Activation, (t: number) => number> = {
  linear: (t) => t,
  relu: (t) => Math.max(t, 0),
  tanh: Math.tanh,
  sigmoid: (t) => 1 / (1 + Math.exp(-t)),
  elu: (t) => (t > 0 ? t : Math.expm1(t)),
  softplus: (t) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))),
};

function uniform(n: number, rng: Rng, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1));
}

interface Dims {
  batch: number;
  height: number;
  width: number;
  cin: number;
  cout: number;
}

/**
 * Pre-activations of conv(x, w) + b in float64, the definition itself: out[b, p, q, co] = bias[co] +
 * sum_{i, j, ci} x[b, s p + i - pad, s q + j - pad, ci] w[i, j, ci, co], x = 0 outside the image.
 */
function conv64(x: Float64Array, w: Float64Array, bias: Float64Array, d: Dims, g: ConvGeometry): Float64Array {
  const oh = convOutputSize(d.height, g);
  const ow = convOutputSize(d.width, g);
  const k = g.kernel;
  const out = new Float64Array(d.batch * oh * ow * d.cout);
  for (let b = 0; b < d.batch; b++) {
    for (let p = 0; p < oh; p++) {
      for (let q = 0; q < ow; q++) {
        for (let co = 0; co < d.cout; co++) {
          let s = bias[co];
          for (let i = 0; i < k; i++) {
            const r = g.stride * p + i - g.pad;
            if (r < 0 || r >= d.height) continue;
            for (let j = 0; j < k; j++) {
              const c = g.stride * q + j - g.pad;
              if (c < 0 || c >= d.width) continue;
              for (let ci = 0; ci < d.cin; ci++) s += x[((b * d.height + r) * d.width + c) * d.cin + ci] * w[((i * k + j) * d.cin + ci) * d.cout + co];
            }
          }
          out[((b * oh + p) * ow + q) * d.cout + co] = s;
        }
      }
    }
  }
  return out;
}

/**
 * The transposed convolution in float64, as the adjoint of conv64: y[b, s p + i - pad, s q + j - pad, co] +=
 * x[b, p, q, ci] w[i, j, co, ci] over the input pixels (p, q), y of size [height, width] (d.height, d.width
 * describe the output here, d.cout its channels, d.cin the input's).
 */
function convTranspose64(x: Float64Array, w: Float64Array, bias: Float64Array, d: Dims, g: ConvGeometry): Float64Array {
  const ih = convOutputSize(d.height, g);
  const iw = convOutputSize(d.width, g);
  const k = g.kernel;
  const out = new Float64Array(d.batch * d.height * d.width * d.cout);
  for (let b = 0; b < d.batch; b++) {
    for (let r = 0; r < d.height; r++) for (let c = 0; c < d.width; c++) for (let co = 0; co < d.cout; co++) out[((b * d.height + r) * d.width + c) * d.cout + co] = bias[co];
    for (let p = 0; p < ih; p++) {
      for (let q = 0; q < iw; q++) {
        for (let i = 0; i < k; i++) {
          const r = g.stride * p + i - g.pad;
          if (r < 0 || r >= d.height) continue;
          for (let j = 0; j < k; j++) {
            const c = g.stride * q + j - g.pad;
            if (c < 0 || c >= d.width) continue;
            for (let co = 0; co < d.cout; co++) {
              let s = 0;
              for (let ci = 0; ci < d.cin; ci++) s += x[((b * ih + p) * iw + q) * d.cin + ci] * w[((i * k + j) * d.cout + co) * d.cin + ci];
              out[((b * d.height + r) * d.width + c) * d.cout + co] += s;
            }
          }
        }
      }
    }
  }
  return out;
}

const GEOMETRIES: ConvGeometry[] = [
  { kernel: 4, stride: 2, pad: 1 },
  { kernel: 3, stride: 2, pad: 1 },
  { kernel: 3, stride: 1, pad: 1 },
];

/** Checks the gradient of L = sum(r * layer(args)) by arg against central differences of the float64 loss. */
function checkGradients(
  f32: (args: tf.Tensor[]) => tf.Tensor,
  f64: (args: Float64Array[]) => Float64Array,
  values: Float64Array[],
  shapes: number[][],
  r: Float64Array,
  what: string,
): void {
  const loss64 = (vals: Float64Array[]) => f64(vals).reduce((s, v, i) => s + v * r[i], 0);
  const grads = tf.tidy(() => {
    const ts = values.map((v, i) => tf.tensor(Float32Array.from(v), shapes[i]));
    const rt = tf.tensor(Float32Array.from(r));
    const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(tf.reshape(f32(a), [-1]), rt)))(ts);
    return g.map((t) => t.dataSync().slice());
  });
  const h = 1e-5;
  values.forEach((v, a) => {
    const fd = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const plus = values.map((u) => u.slice());
      const minus = values.map((u) => u.slice());
      plus[a][i] += h;
      minus[a][i] -= h;
      fd[i] = (loss64(plus) - loss64(minus)) / (2 * h);
    }
    assertClose(grads[a], fd, 2e-3, 2e-4, `${what}: gradient of argument ${a}`);
  });
}

for (const g of GEOMETRIES) {
  const tag = `kernel ${g.kernel}, stride ${g.stride}, pad ${g.pad}`;
  for (const activation of ['linear', 'tanh', 'softplus'] as Activation[]) {
    test(`conv2d (${tag}, ${activation}) equals the float64 convolution, and its gradients match finite differences`, async () => {
      const d: Dims = { batch: 2, height: 7, width: 6, cin: 2, cout: 3 };
      const rng = new Rng(11, g.kernel * 10 + g.stride);
      const x = uniform(d.batch * d.height * d.width * d.cin, rng);
      const w = uniform(g.kernel * g.kernel * d.cin * d.cout, rng, 0.5);
      const b = uniform(d.cout, rng, 0.3);
      const oh = convOutputSize(d.height, g);
      const ow = convOutputSize(d.width, g);
      const r = uniform(d.batch * oh * ow * d.cout, rng);
      const shapes = [[d.batch, d.height, d.width, d.cin], [g.kernel, g.kernel, d.cin, d.cout], [d.cout]];
      const f64 = ([xv, wv, bv]: Float64Array[]) => conv64(xv, wv, bv, d, g).map(ACT64[activation]);
      const f32 = ([xt, wt, bt]: tf.Tensor[]) => conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, bt as tf.Tensor1D, g, activation);
      await assertNoLeak(() => {
        const y = tf.tidy(() => f32(shapes.map((s, i) => tf.tensor(Float32Array.from([x, w, b][i]), s))).dataSync().slice());
        assertClose(y, f64([x, w, b]), 1e-5, 1e-5, 'forward');
        checkGradients(f32, f64, [x, w, b], shapes, r, `conv2d ${tag} ${activation}`);
      });
    });
  }

  test(`conv2d with inputGrad false (${tag}) gives the same filter and bias gradients`, async () => {
    const d: Dims = { batch: 3, height: 8, width: 5, cin: 3, cout: 2 };
    const rng = new Rng(12, g.kernel);
    const x = tf.tensor4d(Float32Array.from(uniform(d.batch * d.height * d.width * d.cin, rng)), [d.batch, d.height, d.width, d.cin]);
    const w = tf.tensor4d(Float32Array.from(uniform(g.kernel * g.kernel * d.cin * d.cout, rng)), [g.kernel, g.kernel, d.cin, d.cout]);
    const b = tf.tensor1d(Float32Array.from(uniform(d.cout, rng)));
    await assertNoLeak(() => {
      const [full, dataOnly] = [true, false].map((inputGrad) =>
        tf.tidy(() => tf.grads((wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.square(conv2d(x, wt as tf.Tensor4D, bt as tf.Tensor1D, g, 'relu', inputGrad))))([w, b]).map((t) => t.dataSync().slice())),
      );
      assertClose(dataOnly[0], full[0], 1e-6, 1e-6, 'filter gradient');
      assertClose(dataOnly[1], full[1], 1e-6, 1e-6, 'bias gradient');
    });
    tf.dispose([x, w, b]);
  });

  for (const activation of ['linear', 'sigmoid'] as Activation[]) {
    test(`conv2dTranspose (${tag}, ${activation}) is the adjoint convolution in float64, and its gradients match finite differences`, async () => {
      // d describes the transposed layer's output: 7x6 with 2 channels, from a 3-channel input.
      const d: Dims = { batch: 2, height: 7, width: 6, cin: 3, cout: 2 };
      const rng = new Rng(13, g.kernel * 10 + g.stride);
      const ih = convOutputSize(d.height, g);
      const iw = convOutputSize(d.width, g);
      const x = uniform(d.batch * ih * iw * d.cin, rng);
      const w = uniform(g.kernel * g.kernel * d.cout * d.cin, rng, 0.5);
      const b = uniform(d.cout, rng, 0.3);
      const r = uniform(d.batch * d.height * d.width * d.cout, rng);
      const shapes = [[d.batch, ih, iw, d.cin], [g.kernel, g.kernel, d.cout, d.cin], [d.cout]];
      const f64 = ([xv, wv, bv]: Float64Array[]) => convTranspose64(xv, wv, bv, d, g).map(ACT64[activation]);
      const f32 = ([xt, wt, bt]: tf.Tensor[]) => conv2dTranspose(xt as tf.Tensor4D, wt as tf.Tensor4D, bt as tf.Tensor1D, d.height, d.width, g, activation);
      await assertNoLeak(() => {
        const y = tf.tidy(() => f32(shapes.map((s, i) => tf.tensor(Float32Array.from([x, w, b][i]), s))).dataSync().slice());
        assertClose(y, f64([x, w, b]), 1e-5, 1e-5, 'forward');
        checkGradients(f32, f64, [x, w, b], shapes, r, `conv2dTranspose ${tag} ${activation}`);
      });
    });
  }
}

test('the transposed layer agrees with tfjs conv2dTranspose', () => {
  const g: ConvGeometry = { kernel: 4, stride: 2, pad: 1 };
  const rng = new Rng(14, 0);
  tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from(uniform(2 * 7 * 7 * 4, rng)), [2, 7, 7, 4]);
    const w = tf.tensor4d(Float32Array.from(uniform(4 * 4 * 3 * 4, rng)), [4, 4, 3, 4]);
    const mine = conv2dTranspose(x, w, tf.zeros([3]), 14, 14, g, 'linear');
    const theirs = tf.conv2dTranspose(x, w, [2, 14, 14, 3], 2, 1);
    assertClose(mine.dataSync(), theirs.dataSync(), 1e-5, 1e-5, 'conv2dTranspose');
  });
});

test('a geometry that would leave input rows unread is refused', () => {
  assert.throws(() => tf.tidy(() => conv2d(tf.zeros([1, 9, 9, 1]), tf.zeros([2, 2, 1, 1]), tf.zeros([1]), { kernel: 2, stride: 3, pad: 0 }, 'linear')), /leaves input rows unread/);
  assert.throws(() => convOutputSize(2, { kernel: 4, stride: 2, pad: 0 }), /cannot take an input of size 2/);
});
