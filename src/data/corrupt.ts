/**
 * Input corruptions of the denoising autoencoder (Vincent et al. 2008; 2010, sec. 4.2). Pure functions on a
 * batch of images laid out image after image; every draw comes from the stream passed in, so a corruption is
 * reproducible from its (seed, counters).
 */
import { Rng } from '../rng.js';

/** The corruption processes q(x~|x). */
export const NOISES = ['mask', 'gaussian', 'saltpepper'] as const;
export type NoiseKind = (typeof NOISES)[number];

/**
 * Picks exactly `count` distinct positions of 0..size-1 by a partial Fisher-Yates shuffle of `scratch`
 * (length `size`, reused between images) and calls `visit` on each.
 */
function choosePositions(size: number, count: number, rng: Rng, scratch: Uint32Array, visit: (i: number) => void): void {
  for (let i = 0; i < size; i++) scratch[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.below(size - i);
    const t = scratch[i];
    scratch[i] = scratch[j];
    scratch[j] = t;
    visit(scratch[i]);
  }
}

/** Pixels of an image of `size` that a fraction `level` corrupts: round(level * size). */
export function corruptedCount(size: number, level: number): number {
  return Math.round(level * size);
}

/**
 * A corrupted copy of `x` (`count` images of `size` values):
 * - mask: a fraction `level` of each image's pixels, chosen at random, forced to 0 (masking noise);
 * - saltpepper: a fraction `level` chosen at random, each set to 0 or 1 with probability 1/2;
 * - gaussian: N(0, level^2) added to every pixel (additive isotropic Gaussian noise, not clipped).
 * The fraction is exact per image (Vincent et al. 2010 choose "a fixed number nu*d of components").
 */
export function corrupt(x: Float32Array, size: number, noise: NoiseKind, level: number, rng: Rng): Float32Array {
  if (!(level >= 0) || (noise !== 'gaussian' && level > 1)) throw new Error(`noise level ${level}: expected ${noise === 'gaussian' ? 'a standard deviation >= 0' : 'a fraction in [0, 1]'}`);
  if (x.length % size !== 0) throw new Error(`corrupt: ${x.length} values are not a whole number of images of ${size}`);
  const out = x.slice();
  if (noise === 'gaussian') {
    for (let i = 0; i < out.length; i++) out[i] += level * rng.normal();
    return out;
  }
  const count = corruptedCount(size, level);
  const scratch = new Uint32Array(size);
  for (let offset = 0; offset < out.length; offset += size) {
    if (noise === 'mask') choosePositions(size, count, rng, scratch, (i) => (out[offset + i] = 0));
    else choosePositions(size, count, rng, scratch, (i) => (out[offset + i] = rng.uniform() < 0.5 ? 0 : 1));
  }
  return out;
}
