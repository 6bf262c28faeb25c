import * as tf from '@tensorflow/tfjs';

/** log((1/K) sum_k exp(t_k)) along `axis`, computed stably as logSumExp - log K. */
export function logMeanExp(t: tf.Tensor, axis = 0): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.logSumExp(t, axis), Math.log(t.shape[axis] as number)));
}

/** Monte Carlo average over L samples stacked on the first axis: [L * B] -> [B]. */
export function monteCarloMean(perSample: tf.Tensor, numSamples: number): tf.Tensor {
  return tf.tidy(() => {
    const batch = (perSample.shape[0] as number) / numSamples;
    return tf.mean(tf.reshape(perSample, [numSamples, batch]), 0);
  });
}

/**
 * Running log-mean-exp over chunks of importance samples, so that a bound with K = 5000 samples per
 * example never holds all K log-weights at once. Burda, Grosse & Salakhutdinov 2016, eq. 8:
 * log p(x) >= E[log (1/K) sum_k p(x, z_k) / q(z_k | x)].
 */
export class LogMeanExpAccumulator {
  private max: Float64Array;
  private sum: Float64Array;
  private count = 0;

  constructor(readonly size: number) {
    this.max = new Float64Array(size).fill(-Infinity);
    this.sum = new Float64Array(size);
  }

  /** Adds log-weights laid out [chunk, size] (sample-major). */
  add(logWeights: ArrayLike<number>, chunk: number): void {
    const n = this.size;
    if (logWeights.length !== chunk * n) throw new Error(`LogMeanExpAccumulator: expected ${chunk * n} values, got ${logWeights.length}`);
    for (let i = 0; i < n; i++) {
      let m = this.max[i];
      for (let s = 0; s < chunk; s++) m = Math.max(m, logWeights[s * n + i]);
      let sum = this.max[i] === -Infinity ? 0 : this.sum[i] * Math.exp(this.max[i] - m);
      for (let s = 0; s < chunk; s++) sum += Math.exp(logWeights[s * n + i] - m);
      this.max[i] = m;
      this.sum[i] = sum;
    }
    this.count += chunk;
  }

  /** log (1/K) sum_k w_k per example. */
  value(): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.max[i] + Math.log(this.sum[i]) - Math.log(this.count);
    return out;
  }
}

/** t in the forward pass, no gradient in the backward pass: tfjs has no stop_gradient of its own. */
export function stopGradient<T extends tf.Tensor>(t: T): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return { value: x.clone(), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
  });
  return f(t) as T;
}

/**
 * t [n, d] in the forward pass; in the backward pass row i's gradient times scale[i] (scale [n, 1], itself given
 * no gradient): a surrogate's way to weigh a path derivative apart from the terms beside it (e.g. DReG's).
 */
export function scaleGradient(t: tf.Tensor2D, scale: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([scale]);
    return { value: x.clone(), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0])] };
  });
  return f(t) as tf.Tensor2D;
}
