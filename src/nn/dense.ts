import * as tf from '@tensorflow/tfjs';
import { Activation, ACTIVATIONS } from './activations.js';

export { ACTIVATIONS } from './activations.js';
export type { Activation } from './activations.js';

/** Activations the engines fuse into the matrix product (tfjs `fused.matMul`). */
const FUSABLE = new Set<Activation>(['linear', 'relu', 'sigmoid', 'elu']);

function forward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  if (FUSABLE.has(activation)) {
    return tf.fused.matMul({ a: x, b: w, bias: b, activation: activation as tf.fused.Activation }) as tf.Tensor2D;
  }
  const pre = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  return activation === 'tanh' ? tf.tanh(pre) : tf.softplus(pre);
}

/** dL/dpre from dL/dy, using y = act(pre); element-wise, so any rank (the conv layers use it too). */
export function activationGrad<T extends tf.Tensor>(dy: T, y: T, activation: Activation): T {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y)) as T;
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y))) as T;
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y))) as T;
    case 'elu': // elu'(pre) = 1 for pre > 0, exp(pre) = y + 1 otherwise
      return tf.mul(dy, tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1))) as T;
    case 'softplus': // softplus'(pre) = sigmoid(pre) = 1 - exp(-y)
      return tf.mul(dy, tf.sub(1, tf.exp(tf.neg(y)))) as T;
  }
}

/**
 * x^T y and x y^T. On the wasm backend a matMul with transposeA/transposeB falls to a slow scalar path, ~10x
 * slower than XNNPACK's untransposed kernel, so there they are an explicit transpose followed by a plain
 * matMul (this alone makes a VAE training step ~4.5x faster). A backend whose products take transposed
 * operands at full speed says so (`fastTransposedMatMul`: vaekit's native backend, on sgemm), and gets them
 * without the copies.
 */
function fastTransposedMatMul(): boolean {
  return (tf.backend() as { fastTransposedMatMul?: boolean }).fastTransposedMatMul === true;
}

function timesTransposedA(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return fastTransposedMatMul() ? tf.matMul(x, y, true, false) : tf.matMul(tf.transpose(x), y);
}

function timesTransposedB(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return fastTransposedMatMul() ? tf.matMul(x, y, false, true) : tf.matMul(x, tf.transpose(y));
}

/** A dense layer with its own backward pass (see timesTransposedA). */
function makeDense(activation: Activation) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b] = args as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    const y = forward(x, w, b as tf.Tensor as tf.Tensor1D, activation);
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as tf.Tensor2D[];
        const dPre = activationGrad(dy as tf.Tensor2D, sy, activation);
        return [timesTransposedB(dPre, sw), timesTransposedA(sx, dPre), tf.sum(dPre, 0)];
      },
    };
  });
}

const denseByActivation = new Map(ACTIVATIONS.map((a) => [a, makeDense(a)]));

/** Same layer for inputs that need no gradient (the data): skips the largest product of the backward pass. */
function denseWithoutInputGrad(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  // x is closed over rather than passed, so autodiff never asks for its gradient.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [wt, bt] = args as tf.Tensor[];
    const save = args[2] as tf.GradSaveFunc;
    const y = forward(x, wt as tf.Tensor2D, bt as tf.Tensor1D, activation);
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as tf.Tensor2D[];
        const dPre = activationGrad(dy as tf.Tensor2D, sy, activation);
        return [timesTransposedA(sx, dPre), tf.sum(dPre, 0)];
      },
    };
  });
  return f(w, b) as tf.Tensor2D;
}

/**
 * y = act(x W + b) for x [batch, in], W [in, out], b [out], with a hand-written backward pass.
 * `inputGrad: false` is for layers fed by data, whose input gradient nobody uses.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation, inputGrad = true): tf.Tensor2D {
  if (!inputGrad) return denseWithoutInputGrad(x, w, b, activation);
  return denseByActivation.get(activation)!(x, w, b) as tf.Tensor2D;
}

/** The same layer through plain autodiff: the reference the custom gradient is tested against. */
export function denseAutodiff(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return tf.tidy(() => {
    return activate(tf.add(tf.matMul(x, w), b) as tf.Tensor2D, activation);
  });
}

/** The nonlinearity on a pre-activation of any shape, by plain tfjs ops (autodiff through them). */
export function activate<T extends tf.Tensor>(pre: T, activation: Activation): T {
  switch (activation) {
    case 'linear': return pre;
    case 'relu': return tf.relu(pre);
    case 'tanh': return tf.tanh(pre);
    case 'sigmoid': return tf.sigmoid(pre);
    case 'elu': return tf.elu(pre);
    case 'softplus': return tf.softplus(pre);
  }
}
