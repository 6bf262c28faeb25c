import { ACTIVATIONS } from '../nn/dense.js';
import { DenseLayerRef } from '../nn/mlp.js';
import { Kernels } from './kernels.js';

/** Scratch arrays by name, grown on demand and reused across steps: a step allocates nothing. */
export class Workspace {
  private readonly arrays = new Map<string, Float32Array>();

  get(name: string, size: number): Float32Array {
    let a = this.arrays.get(name);
    if (!a || a.length < size) {
      a = new Float32Array(size);
      this.arrays.set(name, a);
    }
    return a.subarray(0, size);
  }
}

/**
 * Dense layers on a set of kernels: parameter values and their gradients as plain arrays named as in the
 * model's ParamStore, forward passes that keep each layer's output, and backward passes written by hand.
 */
export class LayersOnKernels {
  /** Parameter values and their gradients, by ParamStore name. */
  readonly values = new Map<string, Float32Array>();
  readonly grads = new Map<string, Float32Array>();
  readonly work = new Workspace();

  constructor(readonly kernels: Kernels, private readonly source: Map<string, Float32Array>) {}

  /** Takes parameter `name` of `size` values from the source (shared, not copied) and gives it a gradient. */
  adopt(name: string, size: number): Float32Array {
    const v = this.source.get(name);
    if (!v || v.length !== size) throw new Error(`fast path: parameter "${name}" is missing or has the wrong size`);
    this.values.set(name, v);
    if (!this.grads.has(name)) this.grads.set(name, new Float32Array(size));
    return v;
  }

  adoptLayers(layers: readonly DenseLayerRef[]): void {
    for (const layer of layers) {
      this.adopt(layer.w, layer.inSize * layer.outSize);
      this.adopt(layer.b, layer.outSize);
    }
  }

  /** Runs dense layers on `rows` rows of `input`; returns each layer's output (kept for the backward pass). */
  forward(layers: readonly DenseLayerRef[], input: Float32Array, rows: number, prefix: string): Float32Array[] {
    const outputs: Float32Array[] = [];
    let h = input;
    layers.forEach((layer, i) => {
      const y = this.work.get(`${prefix}${i}`, rows * layer.outSize);
      this.kernels.gemm(false, false, rows, layer.outSize, layer.inSize, h, this.values.get(layer.w)!, y, 0);
      this.kernels.biasActivation(y, this.values.get(layer.b)!, rows, layer.outSize, ACTIVATIONS.indexOf(layer.activation));
      outputs.push(y);
      h = y;
    });
    return outputs;
  }

  /**
   * Backward through dense layers from dL/d(output) (overwritten); writes the parameter gradients and returns
   * dL/d(input), unless `inputGrad` is false (the data needs none).
   */
  backward(layers: readonly DenseLayerRef[], input: Float32Array, outputs: Float32Array[], dOut: Float32Array, rows: number, prefix: string, inputGrad: boolean): Float32Array | null {
    let dy = dOut;
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i];
      const h = i === 0 ? input : outputs[i - 1];
      this.kernels.activationGrad(dy, outputs[i], rows * layer.outSize, ACTIVATIONS.indexOf(layer.activation));
      // dW = h^T dPre, db = column sums of dPre, dh = dPre W^T.
      this.kernels.gemm(true, false, layer.inSize, layer.outSize, rows, h, dy, this.grads.get(layer.w)!, 0);
      this.kernels.columnSums(dy, rows, layer.outSize, this.grads.get(layer.b)!);
      if (i === 0 && !inputGrad) return null;
      const dh = this.work.get(`${prefix}d${i}`, rows * layer.inSize);
      this.kernels.gemm(false, true, rows, layer.inSize, layer.outSize, dy, this.values.get(layer.w)!, dh, 0);
      dy = dh;
    }
    return dy;
  }
}
