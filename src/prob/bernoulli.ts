import * as tf from '@tensorflow/tfjs';

/**
 * Binary cross-entropy on logits, per element, in the stable softplus form:
 * -log Bernoulli(x; sigmoid(l)) = softplus(l) - x * l = max(l, 0) - x * l + log1p(exp(-|l|)).
 * Its gradients, written by hand: sigmoid(l) - x with respect to l, and -l with respect to x.
 */
const bceWithLogits = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [l, target] = args as tf.Tensor[];
  const save = args[2] as tf.GradSaveFunc;
  save([l, target]);
  const value = tf.add(tf.sub(tf.relu(l), tf.mul(target, l)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sl, st] = saved;
      return [tf.mul(dy, tf.sub(tf.sigmoid(sl), st)), tf.mul(dy, tf.neg(sl))];
    },
  };
});

/** log Bernoulli(x; sigmoid(logits)) per example, summed over the last axis. */
export function logBernoulli(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(bceWithLogits(logits, x) as tf.Tensor, -1)));
}

/** The Bernoulli means sigmoid(logits): for display and sampling only. */
export function bernoulliMean(logits: tf.Tensor): tf.Tensor {
  return tf.sigmoid(logits);
}
