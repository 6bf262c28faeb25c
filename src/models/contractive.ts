/**
 * The contractive penalty ||J_h(x)||_F^2 of an MLP encoder h (Rifai et al. 2011, "Contractive auto-encoders",
 * eq. 2), exactly and by its stochastic estimate.
 */
import * as tf from '@tensorflow/tfjs';
import { Activation, dense } from '../nn/dense.js';

/** One encoder layer y = act(x W + b), W [in, out]. */
export interface EncoderLayer {
  w: tf.Tensor2D;
  activation: Activation;
}

/** act'(a) written from the layer's output y = act(a), as in the dense layer's backward pass. */
export function activationSlope(y: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return tf.onesLike(y);
    case 'relu':
      return tf.step(y);
    case 'tanh':
      return tf.sub(1, tf.square(y)) as tf.Tensor2D;
    case 'sigmoid':
      return tf.mul(y, tf.sub(1, y)) as tf.Tensor2D;
    case 'elu': // elu'(a) = 1 for a > 0, exp(a) = y + 1 otherwise
      return tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1)) as tf.Tensor2D;
    case 'softplus': // softplus'(a) = sigmoid(a) = 1 - exp(-y)
      return tf.sub(1, tf.exp(tf.neg(y))) as tf.Tensor2D;
  }
}

/** x W^T through the dense layer, whose backward pass avoids wasm's slow transposed products. */
function timesTransposed(r: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return dense(r, tf.transpose(w), tf.zeros([w.shape[0]]), 'linear');
}

/**
 * ||J_h(x)||_F^2 per example [batch], from the encoder's layers and each layer's output [batch, out_l].
 * By the chain rule J^T = W_1 D_1 W_2 D_2 ... W_L D_L with D_l = diag(act_l'(a_l)).
 * - One layer: sum_j act'(a_j)^2 sum_i W_ij^2; for sigmoid units act' = h_j (1 - h_j) (Rifai et al. 2011,
 *   sec. 3, the penalty of the contractive auto-encoder).
 * - Deeper: each example's rows R_L = D_L, R_{l-1} = (R_l W_l^T) D_{l-1}, J = R_1 W_1^T, with all examples'
 *   rows stacked [batch * code, .] so each step is one matrix product (code = the last layer's width);
 *   ||J||_F^2 = sum of the rows' r (W_1^T W_1) r^T, cheaper than forming J when there are many rows.
 * - Two layers with a linear code (the default autoencoder): d_1^T (G o K) d_1 with G = W_1^T W_1, K = W_2 W_2^T,
 *   since ||J||_F^2 = sum_{a,c} d_1a d_1c G_ac K_ac; it costs the same whatever the code's width.
 */
export function jacobianFrobeniusSq(layers: EncoderLayer[], outputs: tf.Tensor2D[]): tf.Tensor1D {
  return tf.tidy(() => {
    const slopes = layers.map((l, i) => activationSlope(outputs[i], l.activation));
    if (layers.length === 1) {
      const columnNormsSq = tf.sum(tf.square(layers[0].w), 0); // sum_i W_ij^2, per unit j
      return tf.sum(tf.mul(tf.square(slopes[0]), columnNormsSq), 1) as tf.Tensor1D;
    }
    if (layers.length === 2 && layers[1].activation === 'linear') {
      // J^T = W_1 D_1 W_2, so ||J||_F^2 = d_1^T ((W_1^T W_1) o (W_2 W_2^T)) d_1: one [h, h] matrix serves the batch.
      const [w1, w2] = [layers[0].w, layers[1].w];
      const width = w1.shape[1];
      const gram = tf.mul(dense(tf.transpose(w1), w1, tf.zeros([width]), 'linear'), dense(w2, tf.transpose(w2), tf.zeros([width]), 'linear')) as tf.Tensor2D;
      return tf.sum(tf.mul(dense(slopes[0], gram, tf.zeros([width]), 'linear'), slopes[0]), 1) as tf.Tensor1D;
    }
    const batch = outputs[0].shape[0];
    const code = outputs[outputs.length - 1].shape[1];
    const eye = tf.eye(code);
    // Rows of D_L for every example, stacked: concat rather than tile (tile is slow on wasm).
    let r = tf.mul(tf.concat(new Array<tf.Tensor2D>(batch).fill(eye as tf.Tensor2D), 0), tf.reshape(slopes[slopes.length - 1], [batch * code, 1])) as tf.Tensor2D;
    for (let l = layers.length - 1; l >= 1; l--) {
      const rw = timesTransposed(r, layers[l].w); // [batch * code, out_{l-1}]
      const width = rw.shape[1];
      const scaled = tf.mul(tf.reshape(rw, [batch, code, width]), tf.expandDims(slopes[l - 1], 1));
      r = tf.reshape(scaled, [batch * code, width]) as tf.Tensor2D;
    }
    // ||r W_1^T||^2 = r (W_1^T W_1) r^T: through the Gram matrix when that takes fewer multiplications.
    const [inputs, width] = layers[0].w.shape;
    const rows = batch * code;
    let rowNormsSq: tf.Tensor;
    if (rows * width + inputs * width < rows * inputs) {
      const w = layers[0].w;
      const gram = dense(tf.transpose(w), w, tf.zeros([width]), 'linear');
      rowNormsSq = tf.sum(tf.mul(dense(r, gram, tf.zeros([width]), 'linear'), r), 1);
    } else {
      rowNormsSq = tf.sum(tf.square(timesTransposed(r, layers[0].w)), 1); // rows of every example's Jacobian
    }
    return tf.sum(tf.reshape(rowNormsSq, [batch, code]), 1) as tf.Tensor1D;
  });
}

/**
 * The stochastic estimate ||h(x + eps) - h(x)||^2 / sigma^2 with eps ~ N(0, sigma^2 I), per example: its
 * expectation tends to ||J_h(x)||_F^2 as sigma -> 0, since h(x + eps) - h(x) ~= J eps and
 * E||J eps||^2 = sigma^2 ||J||_F^2 (Rifai et al. 2011b, "Higher order contractive auto-encoder", eq. 4).
 */
export function stochasticContraction(hClean: tf.Tensor2D, hNoisy: tf.Tensor2D, sigma: number): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.sum(tf.square(tf.sub(hNoisy, hClean)), 1), sigma * sigma) as tf.Tensor1D);
}
