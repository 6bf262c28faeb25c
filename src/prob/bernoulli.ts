import * as tf from '@tensorflow/tfjs';

/**
 * log Bernoulli(x; sigmoid(logits)) per example, summed over the last axis, in the stable softplus form:
 * log p(x) = x * l - softplus(l) (tfjs's softplus is exact for large |l|). The gradient with respect to the
 * logits, sigmoid(l) - x, is written by hand so the backward pass is two ops; x is data and gets none.
 */
export function logBernoulli(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const l = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([l, x]);
    return {
      value: tf.neg(tf.sum(tf.sub(tf.softplus(l), tf.mul(x, l)), -1)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sl, sx] = saved;
        return [tf.mul(tf.expandDims(dy, -1), tf.sub(sx, tf.sigmoid(sl)))];
      },
    };
  });
  return f(logits);
}

/** The Bernoulli means sigmoid(logits): for display and sampling only. */
export function bernoulliMean(logits: tf.Tensor): tf.Tensor {
  return tf.sigmoid(logits);
}
