/**
 * Stacks of strided convolutions (an encoder's trunk) and of transposed convolutions (a decoder's), on images
 * given as flat rows [batch, height * width * channels] (channels last, as in `Dataset`).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import { conv2d, conv2dTranspose, ConvGeometry, convOutputSize } from './conv.js';
import { Activation } from './dense.js';
import { ParamStore, uniformFanIn } from './params.js';

/** Image shape [height, width, channels]. */
export type ImageShape = readonly [number, number, number];

/**
 * Every layer halves the image: kernel 4, stride 2, padding 1 (the DCGAN layer of Radford et al. 2016), so
 * 28 -> 14 -> 7 -> 3 and 32 -> 16 -> 8 -> 4; the transposed layers map each size back exactly.
 */
export const CONV_GEOMETRY: ConvGeometry = { kernel: 4, stride: 2, pad: 1 };

/** Spatial sizes [height, width] of the input and after each of `layers` convolutions. */
export function featureSizes(shape: ImageShape, layers: number, g: ConvGeometry = CONV_GEOMETRY): [number, number][] {
  const sizes: [number, number][] = [[shape[0], shape[1]]];
  for (let l = 0; l < layers; l++) {
    const [h, w] = sizes[l];
    try {
      sizes.push([convOutputSize(h, g), convOutputSize(w, g)]);
    } catch {
      throw new Error(`${layers} strided convolutions do not fit ${shape[0]}x${shape[1]} images: layer ${l + 1} gets ${h}x${w}; use fewer --conv-channels`);
    }
  }
  return sizes;
}

/** Width of the flat features after the convolutions `channels` on images of `shape` (a DeconvTrunk's input). */
export function convFeatureSize(shape: ImageShape, channels: readonly number[]): number {
  if (channels.length === 0) throw new Error('a convolutional network needs at least one layer (--conv-channels)');
  const [h, w] = featureSizes(shape, channels.length)[channels.length];
  return h * w * channels[channels.length - 1];
}

interface ConvLayerRef {
  w: string;
  b: string;
  /** Output size of this layer. */
  height: number;
  width: number;
  activation: Activation;
}

/**
 * Convolutions channels[0], channels[1], ... each with `activation`, from images of `shape` to a flat feature
 * row [batch, h_L * w_L * channels_L]. Parameters `${name}.${i}.w` [4, 4, in, out] and `.b`, drawn from
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = 16 in, PyTorch's default for nn.Conv2d.
 */
export class ConvTrunk {
  private readonly layers: ConvLayerRef[] = [];
  /** Width of the flat output. */
  readonly outSize: number;

  constructor(private readonly params: ParamStore, readonly name: string, readonly shape: ImageShape, channels: readonly number[], activation: Activation, rng: Rng) {
    if (channels.length === 0) throw new Error(`${name}: a convolutional network needs at least one layer (--conv-channels)`);
    const sizes = featureSizes(shape, channels.length);
    const k = CONV_GEOMETRY.kernel;
    channels.forEach((out, i) => {
      const cin = i === 0 ? shape[2] : channels[i - 1];
      const ref = { w: `${name}.${i}.w`, b: `${name}.${i}.b`, height: sizes[i + 1][0], width: sizes[i + 1][1], activation };
      params.add(ref.w, uniformFanIn([k, k, cin, out], k * k * cin, rng));
      params.add(ref.b, uniformFanIn([out], k * k * cin, rng));
      this.layers.push(ref);
    });
    const [h, w] = sizes[sizes.length - 1];
    this.outSize = h * w * channels[channels.length - 1];
  }

  /** Features [batch, outSize] of images [batch, h * w * c]; `inputGrad: false` when x is data. */
  apply(x: tf.Tensor2D, inputGrad = false): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.reshape(x, [x.shape[0], ...this.shape]) as tf.Tensor4D;
      this.layers.forEach((l, i) => {
        h = conv2d(h, this.params.get(l.w) as tf.Tensor4D, this.params.get(l.b) as tf.Tensor1D, CONV_GEOMETRY, l.activation, inputGrad || i > 0);
      });
      return tf.reshape(h, [x.shape[0], this.outSize]) as tf.Tensor2D;
    });
  }
}

/**
 * The mirror of a ConvTrunk: a flat row [batch, h_L * w_L * channels_L] reshaped to feature maps, then transposed
 * convolutions channels_L -> ... -> channels_1 -> heads * c back to the image's size, the last one linear. The
 * output [batch, heads * h * w * c] holds the heads one after the other, each an image in the flat layout
 * (e.g. the Gaussian decoder's means, then its log-variances). Parameters `${name}.${i}.w` [4, 4, out, in]
 * (tfjs' conv2dTranspose layout) and `.b`, fanIn = 16 out as PyTorch computes it for nn.ConvTranspose2d.
 */
export class DeconvTrunk {
  private readonly layers: ConvLayerRef[] = [];
  /** Width of the flat input. */
  readonly inSize: number;
  private readonly first: [number, number, number];

  constructor(private readonly params: ParamStore, readonly name: string, readonly shape: ImageShape, channels: readonly number[], readonly heads: number, activation: Activation, rng: Rng) {
    if (channels.length === 0) throw new Error(`${name}: a convolutional network needs at least one layer (--conv-channels)`);
    const sizes = featureSizes(shape, channels.length);
    const k = CONV_GEOMETRY.kernel;
    const last = channels.length;
    this.first = [sizes[last][0], sizes[last][1], channels[last - 1]];
    this.inSize = this.first[0] * this.first[1] * this.first[2];
    for (let l = last; l >= 1; l--) {
      const cin = channels[l - 1];
      const out = l === 1 ? heads * shape[2] : channels[l - 2];
      const i = last - l;
      const ref = { w: `${name}.${i}.w`, b: `${name}.${i}.b`, height: sizes[l - 1][0], width: sizes[l - 1][1], activation: l === 1 ? 'linear' as const : activation };
      params.add(ref.w, uniformFanIn([k, k, out, cin], k * k * out, rng));
      params.add(ref.b, uniformFanIn([out], k * k * out, rng));
      this.layers.push(ref);
    }
  }

  /** The decoder's raw output [batch, heads * h * w * c] from features [batch, inSize]. */
  apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const batch = features.shape[0];
      let h = tf.reshape(features, [batch, ...this.first]) as tf.Tensor4D;
      for (const l of this.layers) {
        h = conv2dTranspose(h, this.params.get(l.w) as tf.Tensor4D, this.params.get(l.b) as tf.Tensor1D, l.height, l.width, CONV_GEOMETRY, l.activation);
      }
      const [height, width, c] = this.shape;
      if (this.heads === 1) return tf.reshape(h, [batch, height * width * c]) as tf.Tensor2D;
      // Channels are [head 0's c, head 1's c, ...]: move the head axis in front of the pixels.
      const byHead = tf.transpose(tf.reshape(h, [batch, height, width, this.heads, c]), [0, 3, 1, 2, 4]);
      return tf.reshape(byHead, [batch, this.heads * height * width * c]) as tf.Tensor2D;
    });
  }
}
