/**
 * How large a model of a kind would be, counted from its config before anything is allocated, so that one too
 * large for memory can be refused up front (src/config/size.ts). Lower bounds: the weights and biases of the dense
 * and convolution layers, not the few extra outputs some likelihoods add.
 */
import type { ImageShape } from '../nn/convNet.js';
import type { NetKind } from './netConfig.js';

/** What a kind's `size` reports. */
export interface ModelSize {
  /** Trainable values (a lower bound). */
  parameters: number;
  /** float64 values a closed-form fit holds at once beside them (PCA's covariance and its eigenvectors). Default 0. */
  fitValues?: number;
}

/** Weights and biases of dense layers through `widths`, input first. */
export function denseParameters(widths: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < widths.length; i++) n += (widths[i - 1] + 1) * widths[i];
  return n;
}

/**
 * What the dense layers of an encoder see, and the weights in front of them: the image's values with net mlp;
 * with net conv, the features after the strided convolutions (kernel 4, stride 2, padding 1: each halves the
 * image) and the weights of the convolutions. A decoder mirrors them.
 */
export function trunkSize(config: { net?: NetKind; channels?: number[] }, shape: ImageShape): { features: number; parameters: number } {
  const [height, width, depth] = shape;
  if (config.net !== 'conv' || !config.channels?.length) return { features: height * width * depth, parameters: 0 };
  let [h, w, c] = [height, width, depth];
  let parameters = 0;
  for (const out of config.channels) {
    parameters += (16 * c + 1) * out;
    [h, w, c] = [Math.max(1, Math.floor(h / 2)), Math.max(1, Math.floor(w / 2)), out];
  }
  return { features: h * w * c, parameters };
}

/**
 * An encoder to `code` outputs and a decoder from `latent` back to the image, mirroring the `hidden` layers,
 * each with `extra` more inputs (a one-hot label), around the trunk of `config`.
 */
export function autoencoderParameters(
  config: { net?: NetKind; channels?: number[]; hidden: number[] },
  shape: ImageShape,
  code: number,
  latent: number,
  extra = 0,
): number {
  const trunk = trunkSize(config, shape);
  const encoder = denseParameters([trunk.features + extra, ...config.hidden, code]);
  const decoder = denseParameters([latent + extra, ...[...config.hidden].reverse(), trunk.features]);
  // The transposed convolutions have the same weights; their last biases are the image's channels.
  const channels = config.net === 'conv' ? (config.channels ?? []) : [];
  const deconv = channels.length ? trunk.parameters - channels[channels.length - 1] + shape[2] : 0;
  return trunk.parameters + encoder + decoder + deconv;
}
