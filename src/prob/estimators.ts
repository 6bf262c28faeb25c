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
