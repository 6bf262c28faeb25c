/**
 * The encoder and decoder networks a model kind is built from, chosen by its config: `net: 'mlp'` (dense
 * layers) or `net: 'conv'` (strided convolutions, then dense layers; the decoder mirrors them with transposed
 * convolutions). Models see either as a function of flat rows [batch, dim].
 */
import * as tf from '@tensorflow/tfjs';
import { ConditionalMlp } from '../nn/conditional.js';
import { convFeatureSize, ConvTrunk, DeconvTrunk, ImageShape } from '../nn/convNet.js';
import { Activation } from '../nn/activations.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { Rng } from '../rng.js';
import { NET_DEFAULTS, NetKind } from './netConfig.js';

export { NET_DEFAULTS, NET_FIELDS, NETS } from './netConfig.js';
export type { NetFields, NetKind } from './netConfig.js';

/** What a model asks of an encoder or decoder: rows in, rows out. */
export interface Network {
  /** `inputGrad: false` when the input is data, whose gradient nobody uses. */
  apply(x: tf.Tensor2D, inputGrad?: boolean): tf.Tensor2D;
}

/** What the builders need from a model's config. */
export interface NetworkOptions {
  net?: NetKind;
  channels?: number[];
  hidden: number[];
  activation: Activation;
}

/** The image shape a conv network needs, checked against the input width. */
function convShape(name: string, inputDim: number, shape: ImageShape | undefined): ImageShape {
  if (!shape) throw new Error(`${name}: --net conv needs the image shape [height, width, channels]; none was given`);
  if (shape[0] * shape[1] * shape[2] !== inputDim) throw new Error(`${name}: image shape ${shape.join('x')} does not hold ${inputDim} values`);
  return shape;
}

/** Conv trunk, then dense layers: the trunk's features need their gradient, so the head's first layer keeps it. */
class ConvEncoder implements Network {
  constructor(private readonly trunk: ConvTrunk, private readonly head: Mlp) {}

  apply(x: tf.Tensor2D, inputGrad = false): tf.Tensor2D {
    return tf.tidy(() => this.head.apply(this.trunk.apply(x, inputGrad), true));
  }
}

/** Dense layers ending in the trunk's feature width, then the transposed convolutions. */
class ConvDecoder implements Network {
  constructor(private readonly head: Mlp, private readonly trunk: DeconvTrunk) {}

  apply(z: tf.Tensor2D, inputGrad = false): tf.Tensor2D {
    return tf.tidy(() => this.trunk.apply(this.head.apply(z, inputGrad)));
  }
}

/**
 * An encoder from images [batch, inputDim] to [batch, outSize]: an MLP [inputDim, ...hidden, outSize], or
 * convolutions `channels` then an MLP [features, ...hidden, outSize]. Parameters under `${name}.` (MLP, as
 * before) or `${name}.conv.` and `${name}.dense.` (conv).
 */
export function buildEncoder(params: ParamStore, name: string, opts: NetworkOptions, inputDim: number, shape: ImageShape | undefined, outSize: number, outputActivation: Activation, rng: Rng): Network {
  if ((opts.net ?? 'mlp') === 'mlp') return new Mlp(params, name, [inputDim, ...opts.hidden, outSize], opts.activation, outputActivation, rng);
  const trunk = new ConvTrunk(params, `${name}.conv`, convShape(name, inputDim, shape), opts.channels ?? NET_DEFAULTS.channels, opts.activation, rng);
  return new ConvEncoder(trunk, new Mlp(params, `${name}.dense`, [trunk.outSize, ...opts.hidden, outSize], opts.activation, outputActivation, rng));
}

/**
 * A decoder from codes [batch, latentDim] to the raw output [batch, outSize] of a likelihood over images of
 * inputDim values (outSize a multiple of inputDim: logits or means, then log-variances...): the mirrored MLP,
 * or dense layers [latentDim, ...reversed hidden, features] then the transposed convolutions.
 */
export function buildDecoder(params: ParamStore, name: string, opts: NetworkOptions, latentDim: number, inputDim: number, shape: ImageShape | undefined, outSize: number, rng: Rng): Network {
  const hidden = [...opts.hidden].reverse();
  if ((opts.net ?? 'mlp') === 'mlp') return new Mlp(params, name, [latentDim, ...hidden, outSize], opts.activation, 'linear', rng);
  const heads = outSize / inputDim;
  if (!Number.isInteger(heads)) throw new Error(`${name}: a conv decoder outputs whole images, but ${outSize} values are not a multiple of ${inputDim}`);
  const channels = [...(opts.channels ?? NET_DEFAULTS.channels)];
  const imageShape = convShape(name, inputDim, shape);
  // The dense layers draw their initial weights before the convolutions, in the order they run.
  const features = convFeatureSize(imageShape, channels);
  const head = new Mlp(params, `${name}.dense`, [latentDim, ...hidden, features], opts.activation, opts.activation, rng);
  return new ConvDecoder(head, new DeconvTrunk(params, `${name}.conv`, imageShape, channels, heads, opts.activation, rng));
}

/**
 * A network of an input and a label (a ConditionalMlp, or one with conv layers around it). The label joins at
 * the first dense layer, so everything before it depends on the input alone: `inputPart` computes that share
 * once, and `applyFromPart` finishes it for any labels, e.g. the same images under every label (Kingma et al.
 * 2014, eq. 7). apply(x, y) = applyFromPart(inputPart(x), y).
 */
export interface ConditionalNetwork {
  apply(x: tf.Tensor2D, labels: tf.Tensor1D, inputGrad?: boolean): tf.Tensor2D;
  /** The input's share of the first dense layer [rows, h1] (after the convolutions, if any). */
  inputPart(x: tf.Tensor2D, inputGrad: boolean): tf.Tensor2D;
  /** The network from an input's share [rows, h1] and labels [rows] (int32). */
  applyFromPart(part: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
}

class ConvConditionalEncoder implements ConditionalNetwork {
  constructor(private readonly trunk: ConvTrunk, private readonly head: ConditionalMlp) {}

  apply(x: tf.Tensor2D, labels: tf.Tensor1D, inputGrad = false): tf.Tensor2D {
    return tf.tidy(() => this.applyFromPart(this.inputPart(x, inputGrad), labels));
  }

  /** The conv features' share of the first dense layer: the features need their gradient, so it keeps it. */
  inputPart(x: tf.Tensor2D, inputGrad: boolean): tf.Tensor2D {
    return tf.tidy(() => this.head.inputPart(this.trunk.apply(x, inputGrad), true));
  }

  applyFromPart(part: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return this.head.applyFromPart(part, labels);
  }
}

class ConvConditionalDecoder implements ConditionalNetwork {
  constructor(private readonly head: ConditionalMlp, private readonly trunk: DeconvTrunk) {}

  apply(z: tf.Tensor2D, labels: tf.Tensor1D, inputGrad = false): tf.Tensor2D {
    return tf.tidy(() => this.applyFromPart(this.inputPart(z, inputGrad), labels));
  }

  inputPart(z: tf.Tensor2D, inputGrad: boolean): tf.Tensor2D {
    return this.head.inputPart(z, inputGrad);
  }

  applyFromPart(part: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => this.trunk.apply(this.head.applyFromPart(part, labels)));
  }
}

/** q(z|x,y)'s network: a ConditionalMlp on x, or on the conv features of x (the label joins after the convolutions). */
export function buildConditionalEncoder(params: ParamStore, name: string, opts: NetworkOptions, numClasses: number, inputDim: number, shape: ImageShape | undefined, outSize: number, rng: Rng): ConditionalNetwork {
  if ((opts.net ?? 'mlp') === 'mlp') return new ConditionalMlp(params, name, [inputDim, ...opts.hidden, outSize], numClasses, opts.activation, 'linear', rng);
  const trunk = new ConvTrunk(params, `${name}.conv`, convShape(name, inputDim, shape), opts.channels ?? NET_DEFAULTS.channels, opts.activation, rng);
  return new ConvConditionalEncoder(trunk, new ConditionalMlp(params, `${name}.dense`, [trunk.outSize, ...opts.hidden, outSize], numClasses, opts.activation, 'linear', rng));
}

/** p(x|y,z)'s network: the mirrored ConditionalMlp, or one ending in conv features, then transposed convolutions. */
export function buildConditionalDecoder(params: ParamStore, name: string, opts: NetworkOptions, numClasses: number, latentDim: number, inputDim: number, shape: ImageShape | undefined, outSize: number, rng: Rng): ConditionalNetwork {
  const hidden = [...opts.hidden].reverse();
  if ((opts.net ?? 'mlp') === 'mlp') return new ConditionalMlp(params, name, [latentDim, ...hidden, outSize], numClasses, opts.activation, 'linear', rng);
  const heads = outSize / inputDim;
  if (!Number.isInteger(heads)) throw new Error(`${name}: a conv decoder outputs whole images, but ${outSize} values are not a multiple of ${inputDim}`);
  const channels = [...(opts.channels ?? NET_DEFAULTS.channels)];
  const imageShape = convShape(name, inputDim, shape);
  const features = convFeatureSize(imageShape, channels);
  const head = new ConditionalMlp(params, `${name}.dense`, [latentDim, ...hidden, features], numClasses, opts.activation, opts.activation, rng);
  return new ConvConditionalDecoder(head, new DeconvTrunk(params, `${name}.conv`, imageShape, channels, heads, opts.activation, rng));
}
