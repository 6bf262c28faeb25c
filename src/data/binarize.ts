import { fusedKernels } from '../fastpath/fused.js';
import { bernoulliWith } from '../fastpath/random.js';
import { Rng } from '../rng.js';
import { binarizeInPlace } from './transforms.js';

/**
 * Dynamic binarization of a batch in place: each pixel becomes 1 with its intensity as probability, drawn
 * from `rng`. On the hand-fused kernels where start-up chose them (the same draws, bit for bit), else in
 * JavaScript.
 */
export function binarizeBatch(x: Float32Array, rng: Rng): Float32Array {
  const kernels = fusedKernels();
  return kernels ? bernoulliWith(kernels, rng, x) : binarizeInPlace(x, rng);
}
