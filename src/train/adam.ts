import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../nn/params.js';

/** Adam's hyper-parameters. */
export interface AdamOptions {
  /** Step size. Default 1e-3. */
  lr: number;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to the root of the second moment. Default 1e-8 (PyTorch's, not tfjs's 1e-7). */
  epsilon?: number;
}

/**
 * The name of a kernel a backend may offer for one whole Adam update: inputs p, g, m, v; attributes beta1,
 * beta2, epsilon, stepSize, rootCorrection; outputs the new [p, m, v], as the ops in `Adam.apply` compute them
 * (vaekit's native backend has it: one pass instead of ten element-wise ops).
 */
export const FUSED_ADAM = 'VaekitAdam';

/**
 * Adam (Kingma & Ba 2015, Alg. 1) in PyTorch's arrangement:
 * p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
 * Its moments are named after the parameters, so a checkpoint can hold and restore them exactly.
 */
export class Adam {
  /** Steps taken so far (t). */
  step = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  /** `names`: the parameters this optimizer updates (default all), e.g. one network of a multi-step model. */
  constructor(private readonly params: ParamStore, readonly options: AdamOptions, names: readonly string[] = params.names()) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    for (const name of names) {
      const p = params.get(name);
      this.moments.set(name, { m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) });
    }
  }

  /** Sets the step size of the steps to come (a learning-rate schedule). */
  setLearningRate(lr: number): void {
    this.options.lr = lr;
  }

  /** The bias corrections of step t: stepSize = lr / (1 - beta1^t) and rootCorrection = sqrt(1 - beta2^t). */
  corrections(t: number): { stepSize: number; rootCorrection: number } {
    return { stepSize: this.options.lr / (1 - this.beta1 ** t), rootCorrection: Math.sqrt(1 - this.beta2 ** t) };
  }

  /** Applies one update from gradients named like the parameters. */
  apply(grads: tf.NamedTensorMap): void {
    this.step += 1;
    const { stepSize, rootCorrection } = this.corrections(this.step);
    const fused = tf.getKernel(FUSED_ADAM, tf.getBackend()) !== undefined;
    const attrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, stepSize, rootCorrection };
    tf.tidy(() => {
      for (const [name, { m, v }] of this.moments) {
        const p = this.params.get(name);
        const g = grads[p.name];
        if (!g) continue;
        if (fused) {
          const [np, nm, nv] = tf.engine().runKernel(FUSED_ADAM, { p, g, m, v }, attrs) as tf.Tensor[];
          m.assign(nm);
          v.assign(nv);
          p.assign(np);
          continue;
        }
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), rootCorrection), this.epsilon);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
  }

  /** The moments as named arrays (`adam.m/<param>`, `adam.v/<param>`), for checkpoints. */
  stateTensors(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, { m, v }] of this.moments) {
      out.set(`adam.m/${name}`, m.dataSync().slice() as Float32Array);
      out.set(`adam.v/${name}`, v.dataSync().slice() as Float32Array);
    }
    return out;
  }

  /** Restores moments and step count written by `stateTensors`. */
  loadState(step: number, tensors: Map<string, Float32Array>, source: string): void {
    this.step = step;
    for (const [name, { m, v }] of this.moments) {
      for (const [key, variable] of [[`adam.m/${name}`, m], [`adam.v/${name}`, v]] as const) {
        const data = tensors.get(key);
        if (!data || data.length !== variable.size) throw new Error(`${source}: optimizer state "${key}" is missing or has the wrong size`);
        tf.tidy(() => variable.assign(tf.tensor(data, variable.shape)));
      }
    }
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
