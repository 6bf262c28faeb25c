import { Kernels } from '../fastpath/kernels.js';
import { ParamStore } from '../nn/params.js';
import { Adam } from './adam.js';

/**
 * Adam steps on the kernels over a fast path's plain arrays, starting from an Adam instance's moments and
 * step count; `sync` writes parameters, moments and step back to the model's store and that instance.
 */
export class KernelAdam {
  private readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  private step: number;

  constructor(
    private readonly kernels: Kernels,
    private readonly optimizer: Adam,
    private readonly values: Map<string, Float32Array>,
    private readonly grads: Map<string, Float32Array>,
  ) {
    const state = optimizer.stateTensors();
    for (const name of values.keys()) {
      const m = state.get(`adam.m/${name}`);
      const v = state.get(`adam.v/${name}`);
      if (!m || !v) throw new Error(`fast path: the optimizer has no moments for parameter "${name}"`);
      this.moments.set(name, { m, v });
    }
    this.step = optimizer.step;
  }

  apply(): void {
    this.step += 1;
    const { beta1, beta2, epsilon } = this.optimizer;
    const { stepSize, rootCorrection } = this.optimizer.corrections(this.step);
    for (const [name, p] of this.values) {
      const { m, v } = this.moments.get(name)!;
      this.kernels.adam(p, this.grads.get(name)!, m, v, p.length, beta1, beta2, epsilon, stepSize, rootCorrection);
    }
  }

  sync(params: ParamStore): void {
    params.load(this.values, 'fast path');
    const state = new Map<string, Float32Array>();
    for (const [name, { m, v }] of this.moments) {
      state.set(`adam.m/${name}`, m);
      state.set(`adam.v/${name}`, v);
    }
    this.optimizer.loadState(this.step, state, 'fast path');
  }
}
