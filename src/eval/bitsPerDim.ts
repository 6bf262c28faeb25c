/**
 * Negative log-likelihoods of 8-bit images in bits per dimension, as the literature reports CIFAR-10, and
 * the uniform dequantization that makes a continuous density's figure comparable.
 *
 * A model of bytes b in {0..255}^D is a distribution P(b). vaekit feeds pixels as x = b / 255, so the
 * bins of width w = 1/255 around the grid points are C(b) = [b w - w/2, b w + w/2)^D. A continuous density
 * p over x defines P(b) = integral of p over C(b) (the bins tile the line without overlap), and with
 * x = b w + (u - 1/2) w, u ~ U[0,1)^D, Jensen's inequality gives (Theis, van den Oord & Bethge 2016, "A note
 * on the evaluation of generative models", sec. 3.1, eq. 6 written for bins of width w):
 *   -log P(b) = -log(w^D E_u[p(x)]) <= E_u[-log p(x)] - D log w.
 * So bits/dim = (E_u[-log p(x)] / D - log w) / log 2, an upper bound on the discrete model's code length.
 * With the usual scaling x = (b + u) / 256, w = 1/256 and the correction is + log 256 (8 bits); here it is
 * + log 255 since the density lives on vaekit's x = b / 255 scale. A likelihood that is already a
 * probability over the 256 values (the discretized logistic) needs no correction: w = 1.
 */
import { DecoderKind } from '../models/likelihood.js';
import { modelKindSpec } from '../models/registry.js';
import { Rng, Stream } from '../rng.js';

/** Width of one 8-bit bin on vaekit's x = byte / 255 scale. */
export const BYTE_BIN_WIDTH = 1 / 255;

/**
 * bits/dim = (nll / dims - log(binWidth)) / log 2 for a negative log-likelihood `nllNats` (nats per
 * image) over `dims` values. `binWidth` is the bin width of the data on the density's scale for a
 * continuous density (evaluated on dequantized data), 1 for a probability mass function.
 */
export function bitsPerDim(nllNats: number, dims: number, binWidth: number): number {
  if (!(Number.isInteger(dims) && dims > 0)) throw new Error(`bitsPerDim: dims ${dims}: expected a positive integer`);
  if (!(binWidth > 0 && binWidth <= 1)) throw new Error(`bitsPerDim: bin width ${binWidth}: expected a number in (0, 1]`);
  return (nllNats / dims - Math.log(binWidth)) / Math.LN2;
}

/**
 * How a decoder's log-likelihood on 8-bit data becomes bits/dim: `continuous` densities (the Gaussians)
 * are scored on dequantized data with the bin-width correction; `discrete` ones (the discretized
 * logistic) as they are; `none` where the figure has no meaning (Bernoulli: a distribution over {0, 1},
 * not over 256 grey levels).
 */
export function bitsPerDimKind(decoder: DecoderKind): 'continuous' | 'discrete' | 'none' {
  switch (decoder) {
    case 'gaussian':
    case 'gaussian-learned':
    case 'gaussian-ar':
      return 'continuous';
    case 'discretized-logistic':
      return 'discrete';
    case 'bernoulli':
      return 'none';
  }
}

/**
 * Uniform dequantization in place: x += (u - 1/2) * binWidth with u ~ U[0, 1) drawn from `rng`, so each
 * grid value b w spreads over its own bin [b w - w/2, b w + w/2) (Theis et al. 2016, sec. 3.1).
 */
export function dequantizeInPlace(x: Float32Array, binWidth: number, rng: Rng): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] += (rng.uniform() - 0.5) * binWidth;
  return x;
}

/** Dequantization of evaluation batches: the noise of image i comes from its own stream, whatever the batching. */
export interface Dequantization {
  /** Bin width on the x scale. Default BYTE_BIN_WIDTH (1/255). */
  binWidth?: number;
  /** Seed of the noise; image i draws from new Rng(seed, Stream.dequantize, i). */
  seed: number;
}

/** Dequantizes the rows of a batch x [rows, dim] whose first row is image `firstImage` of the data set. */
export function dequantizeBatch(x: Float32Array, dim: number, firstImage: number, dq: Dequantization): Float32Array {
  const rows = x.length / dim;
  for (let r = 0; r < rows; r++) {
    dequantizeInPlace(x.subarray(r * dim, (r + 1) * dim), dq.binWidth ?? BYTE_BIN_WIDTH, new Rng(dq.seed, Stream.dequantize, firstImage + r));
  }
  return x;
}

/** How a run's test images are scored against its likelihood over pixels. */
export interface PixelScoring {
  kind: 'continuous' | 'discrete' | 'none';
  /** Set for a continuous density: the images are dequantized before both the -ELBO and -log p(x). */
  dequantize?: Dequantization;
  /** The bin width for bitsPerDim. */
  binWidth: number;
}

/**
 * The scoring of a run: none on binarized data, and none for a kind whose decoder models features rather than
 * pixels (its spec's `decoderModels`, e.g. M1+M2's M2 models M1's codes); otherwise its decoder's kind, with the
 * dequantization (seeded by `seed`) a continuous density needs.
 */
export function pixelScoring(model: { kind: string; decoder?: DecoderKind }, binarize: string, seed: number): PixelScoring {
  const overPixels = model.decoder !== undefined && modelKindSpec(model.kind).decoderModels !== 'features';
  const kind = overPixels && binarize === 'none' ? bitsPerDimKind(model.decoder!) : 'none';
  return kind === 'continuous' ? { kind, dequantize: { seed }, binWidth: BYTE_BIN_WIDTH } : { kind, binWidth: 1 };
}
