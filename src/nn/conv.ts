/**
 * Convolution and transposed convolution layers (channels last) with hand-written backward passes that run
 * fast on the wasm backend.
 *
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so autodiff through tf.conv2d fails there, and
 * its Conv2DBackpropInput kernel is a scalar loop. Its forward Conv2D is XNNPACK's, dilation included. So every
 * product here is written as a forward convolution. One run on a 2-vCPU Zen 4 shared with other jobs, batch
 * 128, 14x14x32 -> 7x7x64, kernel 4, stride 2, measured once: forward 21 ms; filter gradient
 * as below 29 ms, against 1444 ms for im2col by strided slices + matMul; input gradient as below 49 ms,
 * against 205 ms for Conv2DBackpropInput and 82 ms for a convolution of the zero-dilated dy:
 * - the filter gradient dW[i, j, ci, co] = sum_{b,p,q} xpad[b, s p + i, s q + j, ci] dy[b, p, q, co] is a
 *   stride-1 convolution of x with the images as channels, [ci, H, W, b], by dy as a filter [p, q, b, co]
 *   dilated by the stride s;
 * - the input gradient (a transposed convolution) is a stride-1 convolution of dy by the filter flipped in
 *   space, its channel axes swapped and its taps split by phase, then a depth-to-space shuffle (below).
 * A backend whose own Conv2DBackpropInput and Conv2DBackpropFilter kernels are fast says so with
 * `directConvGradients: true` (vaekit's native backend: im2col + sgemm); both gradients then go to them, as
 * tfjs' own conv2d gradient would.
 */
import * as tf from '@tensorflow/tfjs';
import { activate, Activation, activationGrad } from './dense.js';

/** Kernel size, stride and zero padding (the same on every side and both axes) of a convolution. */
export interface ConvGeometry {
  kernel: number;
  stride: number;
  pad: number;
}

/** Output size along one axis: floor((size + 2 pad - kernel) / stride) + 1. */
export function convOutputSize(size: number, g: ConvGeometry): number {
  const out = Math.floor((size + 2 * g.pad - g.kernel) / g.stride) + 1;
  if (out < 1) throw new Error(`a convolution with kernel ${g.kernel}, stride ${g.stride} and padding ${g.pad} cannot take an input of size ${size}`);
  return out;
}

/**
 * Padding [before, after] of an input of `size`: `pad` before, and after exactly what the last window
 * reaches, so every padded row is used and the stride divides evenly (no rounding left to the backend).
 */
function axisPadding(size: number, g: ConvGeometry): [number, number] {
  const after = g.stride * (convOutputSize(size, g) - 1) + g.kernel - size - g.pad;
  if (after < 0) throw new Error(`convolution geometry kernel ${g.kernel}, stride ${g.stride}, padding ${g.pad} on size ${size} leaves input rows unread; use padding >= stride - 1`);
  return [g.pad, after];
}

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

function explicitPadding(height: number, width: number, g: ConvGeometry): ExplicitPadding {
  return [[0, 0], axisPadding(height, g), axisPadding(width, g), [0, 0]];
}

/** Activations tfjs fuses into the convolution (tfjs `fused.conv2d`). */
const FUSABLE = new Set<Activation>(['linear', 'relu', 'sigmoid', 'elu']);

/** act(conv(x, w) + b), x [batch, h, w, in], w [k, k, in, out]. */
function convForward(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, g: ConvGeometry, activation: Activation): tf.Tensor4D {
  const pad = explicitPadding(x.shape[1], x.shape[2], g);
  if (FUSABLE.has(activation)) {
    return tf.fused.conv2d({ x, filter: w, strides: g.stride, pad, bias: b, activation: activation as tf.fused.Activation });
  }
  return activate(tf.add(tf.conv2d(x, w, g.stride, pad), b) as tf.Tensor4D, activation);
}

/** Whether the backend in use asks for its own convolution gradient kernels (see the file's comment). */
function directConvGradients(): boolean {
  return (tf.backend() as { directConvGradients?: boolean }).directConvGradients === true;
}

/**
 * dL/dW [k, k, in, out] of y = conv(x, W) from x [batch, h, w, in] and dy [batch, oh, ow, out]: a dilated
 * stride-1 convolution with the batch as the channel axis (see the file's comment).
 */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  if (directConvGradients()) {
    const filterShape = [g.kernel, g.kernel, x.shape[3], dy.shape[3]];
    const attrs = { strides: g.stride, pad: explicitPadding(x.shape[1], x.shape[2], g), dataFormat: 'NHWC', filterShape };
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const images = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [in, h, w, batch]
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, batch, out]
    const pad = explicitPadding(x.shape[1], x.shape[2], g);
    const grad = tf.conv2d(images, filter, 1, pad, 'NHWC', g.stride); // [in, k, k, out]
    return tf.transpose(grad, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * The transposed convolution of dy [batch, oh, ow, out] by w [k, k, in, out] onto an input of size
 * [height, width]: dL/dx of y = conv(x, w), and the forward pass of a transposed convolution layer.
 *
 * Written as one stride-1 convolution and a depth-to-space shuffle (the sub-pixel form of Shi et al. 2016,
 * "Is the deconvolution layer the same as a convolutional layer?"): output row u with u + pad = s m + a
 * (phase a < s) sums dy[m - t] w[a + s t] over t < T = ceil(k / s). So a convolution of dy, padded by T - 1,
 * by the filter F[T - 1 - t, T - 1 - t', o, (a, b, i)] = w[a + s t, b + s t', i, o] gives every phase as a
 * channel, with no product by an inserted zero (dilating dy instead costs s^2 times more).
 */
export function convInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, height: number, width: number, g: ConvGeometry): tf.Tensor4D {
  if (directConvGradients()) return tf.conv2dTranspose(dy, w, [dy.shape[0], height, width, w.shape[2]], g.stride, explicitPadding(height, width, g));
  return tf.tidy(() => {
    const [batch, oh, ow, out] = dy.shape;
    const [k, , cin] = w.shape;
    const s = g.stride;
    const taps = Math.ceil(k / s);
    // Phase rows m = 0 .. rows - 1 cover u + pad for u = 0 .. height - 1.
    const rows = Math.ceil((height + g.pad) / s);
    const cols = Math.ceil((width + g.pad) / s);
    if (rows < oh || cols < ow) throw new Error(`a transposed convolution onto ${height}x${width} cannot take ${oh}x${ow} inputs`);
    const wide = taps * s === k ? w : tf.pad(w, [[0, taps * s - k], [0, taps * s - k], [0, 0], [0, 0]]);
    // The taps flipped on a rank-4 view [t, a, t', (b, i, o)]: webgpu's Reverse takes at most four axes.
    const flipped = tf.reverse(tf.reshape(wide, [taps, s, taps, s * cin * out]), [0, 2]);
    const split = tf.reshape(flipped, [taps, s, taps, s, cin, out]); // [T - 1 - t, a, T - 1 - t', b, i, o]
    const filter = tf.reshape(tf.transpose(split, [0, 2, 5, 1, 3, 4]), [taps, taps, out, s * s * cin]) as tf.Tensor4D;
    const padded = tf.pad(dy, [[0, 0], [taps - 1, rows - oh], [taps - 1, cols - ow], [0, 0]]);
    const phases = tf.conv2d(padded, filter, 1, 'valid'); // [batch, rows, cols, (a, b, i)]
    const shuffled = s === 1 ? phases : tf.reshape(tf.transpose(tf.reshape(phases, [batch, rows, cols, s, s, cin]), [0, 1, 3, 2, 4, 5]), [batch, rows * s, cols * s, cin]);
    return tf.slice(shuffled, [0, g.pad, g.pad, 0], [batch, height, width, cin]) as tf.Tensor4D;
  });
}

/** One customGrad per (geometry, activation), as the dense layer keeps one per activation. */
const convCache = new Map<string, (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D>();

function convWithGrads(g: ConvGeometry, activation: Activation): (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D {
  const key = `${g.kernel},${g.stride},${g.pad},${activation}`;
  let f = convCache.get(key);
  if (!f) {
    const grad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, w, b] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D];
      const save = args[3] as tf.GradSaveFunc;
      const y = convForward(x, w, b, g, activation);
      save([x, w, y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sw, sy] = saved as tf.Tensor4D[];
          const dPre = activationGrad(dy as tf.Tensor4D, sy, activation);
          return [convInputGrad(dPre, sw, sx.shape[1], sx.shape[2], g), convFilterGrad(sx, dPre, g), tf.sum(dPre, [0, 1, 2])];
        },
      };
    });
    f = (x, w, b) => grad(x, w, b) as tf.Tensor4D;
    convCache.set(key, f);
  }
  return f;
}

/** The same layer for an input that needs no gradient (the data): skips the input gradient, the largest part. */
function convWithoutInputGrad(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, g: ConvGeometry, activation: Activation): tf.Tensor4D {
  // x is closed over rather than passed, so autodiff never asks for its gradient.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [wt, bt] = args as [tf.Tensor4D, tf.Tensor1D];
    const save = args[2] as tf.GradSaveFunc;
    const y = convForward(x, wt, bt, g, activation);
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as tf.Tensor4D[];
        const dPre = activationGrad(dy as tf.Tensor4D, sy, activation);
        return [convFilterGrad(sx, dPre, g), tf.sum(dPre, [0, 1, 2])];
      },
    };
  });
  return f(w, b) as tf.Tensor4D;
}

/**
 * y = act(conv(x, W) + b) for x [batch, h, w, in], W [k, k, in, out], b [out], with the backward pass above.
 * `inputGrad: false` is for layers fed by data, whose input gradient nobody uses.
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, g: ConvGeometry, activation: Activation, inputGrad = true): tf.Tensor4D {
  if (!inputGrad) return convWithoutInputGrad(x, w, b, g, activation);
  return convWithGrads(g, activation)(x, w, b);
}

/**
 * y = act(convTranspose(x, W) + b) for x [batch, h, w, in] onto an output of [height, width] with `out`
 * channels; W [k, k, out, in] is the filter of the convolution this one transposes (tfjs' conv2dTranspose
 * layout), b [out]. Its input gradient is that convolution of dy, its filter gradient the convolution's
 * filter gradient with the roles of input and output swapped.
 */
export function conv2dTranspose(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, height: number, width: number, g: ConvGeometry, activation: Activation): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, wt, bt] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const y = activate(tf.add(convInputGrad(xt, wt, height, width, g), bt) as tf.Tensor4D, activation);
    save([xt, wt, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as tf.Tensor4D[];
        const dPre = activationGrad(dy as tf.Tensor4D, sy, activation);
        const dx = tf.conv2d(dPre, sw, g.stride, explicitPadding(height, width, g));
        return [dx, convFilterGrad(dPre, sx, g), tf.sum(dPre, [0, 1, 2])];
      },
    };
  });
  return f(x, w, b) as tf.Tensor4D;
}
