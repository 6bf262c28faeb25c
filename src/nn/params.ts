import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';

/** A named set of trainable variables; names are stable so checkpoints can address them. */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();

  add(name: string, value: tf.Tensor): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter "${name}" is defined twice`);
    const v = tf.variable(value, true, undefined);
    value.dispose();
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter named "${name}"`);
    return v;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  list(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** Number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies of every parameter's values, by name. */
  snapshot(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.vars) out.set(name, v.dataSync().slice() as Float32Array);
    return out;
  }

  /**
   * Overwrites parameters from named arrays; every parameter must be present with its exact size. Checks
   * everything before writing anything, so a failed load leaves the store as it was.
   */
  load(values: Map<string, Float32Array>, source = 'checkpoint'): void {
    for (const name of this.vars.keys()) {
      if (!values.has(name)) throw new Error(`${source}: parameter "${name}" is missing`);
      this.checkSize(name, values.get(name)!, source);
    }
    for (const name of values.keys()) {
      if (!this.vars.has(name)) throw new Error(`${source}: unexpected parameter "${name}"`);
    }
    this.assign(this.names(), values);
  }

  /**
   * Warm start: overwrites every parameter that `values` also holds, by name, and leaves the others as they
   * were initialized; returns the names of both. A shared name of another size is an error, and nothing is
   * written then.
   */
  loadShared(values: Map<string, Float32Array>, source = 'checkpoint'): { loaded: string[]; fresh: string[] } {
    const loaded = this.names().filter((name) => values.has(name));
    for (const name of loaded) this.checkSize(name, values.get(name)!, source);
    this.assign(loaded, values);
    return { loaded, fresh: this.names().filter((name) => !values.has(name)) };
  }

  private checkSize(name: string, data: Float32Array, source: string): void {
    const v = this.get(name);
    if (data.length !== v.size) throw new Error(`${source}: parameter "${name}" has ${data.length} values, expected ${v.size} (shape ${v.shape.join('x')})`);
  }

  /** Writes `values` into the parameters `names`, all checked beforehand. */
  private assign(names: string[], values: Map<string, Float32Array>): void {
    for (const name of names) {
      const v = this.get(name);
      tf.tidy(() => v.assign(tf.tensor(values.get(name)!, v.shape)));
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/**
 * PyTorch's default for nn.Linear (kaiming_uniform with a = sqrt(5)): weights and biases both drawn from
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)). Kept so vaekit and the PyTorch reference start from the same law.
 */
export function uniformFanIn(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = (2 * rng.uniform() - 1) * bound;
  return tf.tensor(data, shape);
}
