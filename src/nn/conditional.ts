import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import { activate, Activation, dense, denseAutodiff } from './dense.js';
import { DenseLayerRef, Mlp } from './mlp.js';
import { ParamStore, uniformFanIn } from './params.js';

/**
 * Rows W_y[y] [batch, h] as the product onehot(y) W_y, with the gradient onehot(y)^T dy written by hand. On
 * wasm both beat a lookup: gather is a scalar loop there (70 ms against a few for 1000 rows of 500), and its
 * gradient has no kernel at all (UnsortedSegmentSum); the transpose is explicit because a transposed matMul
 * is slow there (shared/notes/engine.md).
 */
function labelRows(wY: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const w = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const oneHot = tf.oneHot(labels, numClasses).toFloat() as tf.Tensor2D;
    // Saved, not closed over: tensors made in the forward pass are freed before the backward pass runs.
    save([tf.transpose(oneHot)]);
    return {
      value: tf.matMul(oneHot, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(saved[0] as tf.Tensor2D, dy as tf.Tensor2D)],
    };
  });
  return f(wY) as tf.Tensor2D;
}

/** The layers of a ConditionalMlp by parameter name, for engines that run it on their own kernels. */
export interface ConditionalLayersRef {
  /** The first layer over [input, onehot(y)], split as input W_in + W_y[y] + b. */
  first: { inW: string; yW: string; b: string; inSize: number; outSize: number; numClasses: number; activation: Activation };
  /** The layers after it (none for a one-layer network). */
  rest: readonly DenseLayerRef[];
}

/**
 * An MLP on the concatenation [input, onehot(y)], with the first layer split as input W_in + W_y[y] + b:
 * the same function, but the label's part is a row lookup, and an input seen with every label (the
 * unlabelled bound of Kingma et al. 2014, eq. 7) goes through the largest product once, not once per label.
 * Parameters: `${name}.in.w`, `${name}.y.w`, `${name}.0.b`, then the rest as an `Mlp` named `${name}.rest`.
 */
export class ConditionalMlp {
  private readonly rest: Mlp | null;
  private readonly wIn: string;
  private readonly wY: string;
  private readonly b: string;

  constructor(
    private readonly params: ParamStore,
    readonly name: string,
    /** [inputSize, h1, ..., out]: sizes as for an Mlp, the label's one-hot not counted. */
    readonly sizes: number[],
    readonly numClasses: number,
    private readonly activation: Activation,
    private readonly outputActivation: Activation,
    rng: Rng,
  ) {
    if (sizes.length < 2) throw new Error(`${name}: an MLP needs at least an input and an output size`);
    const [inSize, firstOut] = sizes;
    // One layer over the concatenation: fan-in counts the one-hot too, as PyTorch's nn.Linear would.
    const fanIn = inSize + numClasses;
    this.wIn = `${name}.in.w`;
    this.wY = `${name}.y.w`;
    this.b = `${name}.0.b`;
    params.add(this.wIn, uniformFanIn([inSize, firstOut], fanIn, rng));
    params.add(this.wY, uniformFanIn([numClasses, firstOut], fanIn, rng));
    params.add(this.b, uniformFanIn([firstOut], fanIn, rng));
    this.rest = sizes.length > 2 ? new Mlp(params, `${name}.rest`, sizes.slice(1), activation, outputActivation, rng) : null;
  }

  get layers(): ConditionalLayersRef {
    const [inSize, outSize] = this.sizes;
    const activation = this.rest ? this.activation : this.outputActivation;
    return { first: { inW: this.wIn, yW: this.wY, b: this.b, inSize, outSize, numClasses: this.numClasses, activation }, rest: this.rest?.layers ?? [] };
  }

  /** The input's part of the first layer, input W_in + b [batch, h1]: shared by every label. */
  inputPart(input: tf.Tensor2D, inputGrad: boolean): tf.Tensor2D {
    return dense(input, this.params.get(this.wIn) as tf.Tensor2D, this.params.get(this.b) as tf.Tensor1D, 'linear', inputGrad);
  }

  /** The network from a precomputed input part [rows, h1] and labels [rows] (int32). */
  applyFromPart(part: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    const labelPart = labelRows(this.params.get(this.wY) as tf.Tensor2D, labels, this.numClasses);
    const h = activate(tf.add(part, labelPart) as tf.Tensor2D, this.rest ? this.activation : this.outputActivation);
    return this.rest ? this.rest.apply(h, true) : h;
  }

  /** f([input, onehot(labels)]) for input [batch, inputSize] and labels [batch]. */
  apply(input: tf.Tensor2D, labels: tf.Tensor1D, inputGrad = false): tf.Tensor2D {
    return this.applyFromPart(this.inputPart(input, inputGrad), labels);
  }

  /** The same function written on the concatenation with plain autodiff: the reference for tests. */
  applyConcat(input: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const w = tf.concat([this.params.get(this.wIn), this.params.get(this.wY)], 0) as tf.Tensor2D;
      const x = tf.concat([input, tf.oneHot(labels, this.numClasses).toFloat()], 1) as tf.Tensor2D;
      const h = denseAutodiff(x, w, this.params.get(this.b) as tf.Tensor1D, this.rest ? this.activation : this.outputActivation);
      return this.rest ? this.rest.apply(h, true) : h;
    });
  }
}

/** Every label 0..numClasses-1, each repeated `batch` times (label-major), as int32 [numClasses * batch]. */
export function allLabels(numClasses: number, batch: number): tf.Tensor1D {
  const y = new Int32Array(numClasses * batch);
  for (let c = 0; c < numClasses; c++) y.fill(c, c * batch, (c + 1) * batch);
  return tf.tensor1d(y, 'int32');
}
