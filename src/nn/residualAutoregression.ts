/**
 * The linear autoregression of a Gaussian decoder's residuals (vaekit's 'gaussian-ar' likelihood).
 *
 * A factorized decoder p(x|z) = prod_i N(x_i; mean_i, var_i) pays for whatever its blurry mean misses pixel
 * by pixel, although neighbouring residuals r = x - mean are strongly correlated (the three colours of one
 * pixel above all). Here each residual is predicted from those before it in raster order, channel by channel
 * within a pixel as in PixelCNN (van den Oord et al. 2016, sec. 3.4), by one masked convolution A shared
 * across positions:
 *   x_i = mean_i + sum_{j < i in the window} A_ij (x_j - mean_j) + sqrt(var_i) e_i,   e ~ N(0, I).
 * The map r -> e = r - A r is unit lower triangular (A is strictly causal), so its Jacobian determinant is 1
 * and log p(x|z) = sum_i log N(x_i; mean_i + (A r)_i, var_i) exactly. E[r] = 0, so the mean of p(x|z) is
 * still `mean`. The filter starts at zero: the likelihood starts as the factorized 'gaussian-learned'.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2d } from './conv.js';
import { ImageShape } from './convNet.js';
import { ParamStore } from './params.js';

/** Rows above and columns either side of a pixel that predict it: a (2 r + 1) x (2 r + 1) window, r = 2. */
export const AR_RADIUS = 2;

/**
 * The causal mask [k, k, in, out] of a window of `radius`: 1 for the rows above, the columns to the left on the
 * pixel's own row, and at the pixel itself only the channels before the output's (PixelCNN's mask B without
 * the centre tap: van den Oord et al. 2016, fig. 4).
 */
export function causalMask(radius: number, channels: number): Float32Array {
  const k = 2 * radius + 1;
  const mask = new Float32Array(k * k * channels * channels);
  for (let dy = 0; dy < k; dy++) {
    for (let dx = 0; dx < k; dx++) {
      for (let cin = 0; cin < channels; cin++) {
        for (let cout = 0; cout < channels; cout++) {
          const before = dy < radius || (dy === radius && (dx < radius || (dx === radius && cin < cout)));
          mask[((dy * k + dx) * channels + cin) * channels + cout] = before ? 1 : 0;
        }
      }
    }
  }
  return mask;
}

/** A r for residual images r [batch, h * w * c], with the filter `${name}.w` [k, k, c, c] under a causal mask. */
export class ResidualAutoregression {
  private readonly weight: string;
  /** Made into a tensor on each call (225 values for RGB), so the module holds no tensor of its own to dispose. */
  private readonly mask: Float32Array;

  constructor(private readonly params: ParamStore, name: string, readonly shape: ImageShape, readonly radius = AR_RADIUS) {
    const k = 2 * radius + 1;
    const c = shape[2];
    this.weight = `${name}.w`;
    params.add(this.weight, tf.zeros([k, k, c, c]));
    this.mask = causalMask(radius, c);
  }

  /**
   * The residuals r [rows, h * w * c] with r = A r + s: given the scaled noise s_i = sqrt(var_i) e_i, a draw of
   * the autoregression, by forward substitution in its causal order (rows, columns, then channels), each
   * residual from the ones already drawn. Exact, and cheap on the CPU: k * k * c taps per value.
   */
  solve(s: Float32Array, rows: number): Float32Array {
    const [h, w, c] = this.shape;
    const k = 2 * this.radius + 1;
    const R = this.radius;
    const weights = this.params.get(this.weight).dataSync() as Float32Array;
    const filter = weights.map((v, i) => v * this.mask[i]);
    const dim = h * w * c;
    if (s.length !== rows * dim) throw new Error(`solve: ${s.length} values are not ${rows} images of ${h}x${w}x${c}`);
    const r = new Float32Array(s.length);
    for (let n = 0; n < rows; n++) {
      const img = r.subarray(n * dim, (n + 1) * dim);
      const noise = s.subarray(n * dim, (n + 1) * dim);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let co = 0; co < c; co++) {
            // Rows below lie outside the causal window; on the pixel's own row the mask zeroes the taps on
            // values not drawn yet (to its right, and its own later channels, still 0 here).
            let acc = noise[(y * w + x) * c + co];
            for (let dy = 0; dy <= R; dy++) {
              const yy = y + dy - R;
              if (yy < 0) continue;
              for (let dx = 0; dx < k; dx++) {
                const xx = x + dx - R;
                if (xx < 0 || xx >= w) continue;
                for (let ci = 0; ci < c; ci++) acc += filter[((dy * k + dx) * c + ci) * c + co] * img[(yy * w + xx) * c + ci];
              }
            }
            img[(y * w + x) * c + co] = acc;
          }
        }
      }
    }
    return r;
  }

  /** The prediction A r [batch, h * w * c] of each residual from the ones before it. */
  predict(r: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const w = this.params.get(this.weight);
      const filter = tf.mul(w, tf.tensor4d(this.mask, w.shape as [number, number, number, number])) as tf.Tensor4D;
      const images = tf.reshape(r, [r.shape[0], ...this.shape]) as tf.Tensor4D;
      const geometry = { kernel: 2 * this.radius + 1, stride: 1, pad: this.radius };
      return tf.reshape(conv2d(images, filter, tf.zeros([this.shape[2]]), geometry, 'linear'), r.shape) as tf.Tensor2D;
    });
  }
}
