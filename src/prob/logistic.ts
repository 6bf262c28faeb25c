/**
 * The discretized logistic likelihood for 8-bit data (Kingma et al. 2016, "Improved Variational Inference
 * with Inverse Autoregressive Flow", sec. 5.2; Salimans et al. 2017, PixelCNN++, eq. 2, one mixture
 * component). A pixel byte b is scored as x = b / 255 in [0, 1]; its bin is [x - w/2, x + w/2] with
 * w = 1/255, and its probability is the mass a logistic(mean, s) puts on that bin:
 *   P(b) = sigmoid((x + w/2 - mean) / s) - sigmoid((x - w/2 - mean) / s),
 * with the edge bins taking the tails: P(0) = sigmoid((w/2 - mean) / s), P(255) = 1 - sigmoid((1 - w/2 - mean) / s).
 * The 256 probabilities sum to 1, so -log P is a code length in nats with no dequantization correction.
 */
import * as tf from '@tensorflow/tfjs';

/** Width of one 8-bit bin on the [0, 1] scale. */
export const BIN_WIDTH_8BIT = 1 / 255;

/** log sigmoid(t) = t - softplus(t), finite for every finite t. */
function logSigmoid(t: tf.Tensor): tf.Tensor {
  return tf.sub(t, tf.softplus(t));
}

/**
 * t > 0 as a condition for tf.where that gradients can pass: tfjs has no gradient for Greater, but has one
 * (zero) for Step, and tf.where sends a zero gradient to its condition.
 */
function positive(t: tf.Tensor): tf.Tensor {
  return tf.cast(tf.step(t), 'bool');
}

/**
 * log P(x) per pixel [batch, dim] under a discretized logistic with `mean` and log-scale `logScale` (both
 * [batch, dim]); x holds bytes / 255. Computed without cancellation: the bin mass is taken on the side of
 * the mean where both CDF values are small (mirroring x about the mean when it lies above), as
 *   log(sigmoid(b) - sigmoid(a)) = logSigmoid(b) + log(1 - exp(logSigmoid(a) - logSigmoid(b))),
 * and where the bin is so narrow against s that the two CDFs agree to 1e-3, as density times width,
 *   log p(x) + log w with log p(x) = t - log s - 2 softplus(t), t = (x - mean) / s,
 * which PixelCNN++ also falls back to; its relative error there is below (w/s)^2 / 24 < 1e-7.
 */
export function logDiscretizedLogisticPerPixel(x: tf.Tensor2D, mean: tf.Tensor2D, logScale: tf.Tensor2D, binWidth = BIN_WIDTH_8BIT): tf.Tensor2D {
  return tf.tidy(() => {
    const half = binWidth / 2;
    const invS = tf.exp(tf.neg(logScale));
    const centred = tf.sub(x, mean);
    const mid = tf.mul(centred, invS);
    const lo = tf.mul(tf.sub(centred, half), invS);
    const hi = tf.mul(tf.add(centred, half), invS);
    // Above the mean, mirror: sigmoid(hi) - sigmoid(lo) = sigmoid(-lo) - sigmoid(-hi).
    const above = positive(mid);
    const upper = tf.where(above, tf.neg(lo), hi);
    const lower = tf.where(above, tf.neg(hi), lo);
    const logUpper = logSigmoid(upper);
    const gap = tf.sub(logSigmoid(lower), logUpper);
    // d <= -1e-3 keeps log1p(-exp(d)) and its gradient finite in the branch tf.where does not pick.
    const d = tf.minimum(gap, -1e-3);
    const logMass = tf.add(logUpper, tf.log1p(tf.neg(tf.exp(d))));
    const logDensity = tf.sub(tf.sub(mid, logScale), tf.mul(2, tf.softplus(mid)));
    const narrow = positive(tf.add(gap, 1e-3));
    const inner = tf.where(narrow, tf.add(logDensity, Math.log(binWidth)), logMass);
    // Edge bins: x = 0 takes (-inf, w/2], x = 1 takes [1 - w/2, inf).
    const bottom = tf.less(x, half);
    const top = tf.greater(x, 1 - half);
    return tf.where(bottom, logSigmoid(hi), tf.where(top, logSigmoid(tf.neg(lo)), inner)) as tf.Tensor2D;
  });
}

/** log P(x) per example [batch]: the sum over pixels of `logDiscretizedLogisticPerPixel`. */
export function logDiscretizedLogistic(x: tf.Tensor2D, mean: tf.Tensor2D, logScale: tf.Tensor2D, binWidth = BIN_WIDTH_8BIT): tf.Tensor1D {
  return tf.tidy(() => tf.sum(logDiscretizedLogisticPerPixel(x, mean, logScale, binWidth), 1) as tf.Tensor1D);
}
