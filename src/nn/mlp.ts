import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import { Activation, dense } from './dense.js';
import { ParamStore, uniformFanIn } from './params.js';

/** One dense layer: its parameter names in a ParamStore, its sizes and nonlinearity. */
export interface DenseLayerRef {
  w: string;
  b: string;
  inSize: number;
  outSize: number;
  activation: Activation;
}

/**
 * A multilayer perceptron: sizes [in, h1, ..., out], `activation` between layers and `outputActivation`
 * after the last. Parameters live in the shared store under `${name}.${i}.w` / `.b`.
 */
export class Mlp {
  private readonly refs: DenseLayerRef[] = [];

  constructor(
    private readonly params: ParamStore,
    readonly name: string,
    readonly sizes: number[],
    activation: Activation,
    outputActivation: Activation,
    rng: Rng,
  ) {
    if (sizes.length < 2) throw new Error(`${name}: an MLP needs at least an input and an output size`);
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
      const ref = { w: `${name}.${i}.w`, b: `${name}.${i}.b`, inSize: fanIn, outSize: fanOut, activation: i + 2 === sizes.length ? outputActivation : activation };
      params.add(ref.w, uniformFanIn([fanIn, fanOut], fanIn, rng));
      params.add(ref.b, uniformFanIn([fanOut], fanIn, rng));
      this.refs.push(ref);
    }
  }

  /** The layers in order, for engines that run the same network on their own kernels. */
  get layers(): readonly DenseLayerRef[] {
    return this.refs;
  }

  /** Forward pass; `inputGrad: false` when x is data, so the first layer skips its input gradient. */
  apply(x: tf.Tensor2D, inputGrad = false): tf.Tensor2D {
    let h = x;
    this.refs.forEach((layer, i) => {
      h = dense(h, this.params.get(layer.w) as tf.Tensor2D, this.params.get(layer.b) as tf.Tensor1D, layer.activation, inputGrad || i > 0);
    });
    return h;
  }
}
