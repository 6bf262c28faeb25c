import { Rng } from '../rng.js';
import { Kernels } from './kernels.js';

/**
 * The draws of src/rng.ts made by the kernels: the same generator, the same sequence, and the Rng left
 * where its own methods would have left it. Box-Muller's log, sin and cos come from the C library instead of
 * V8's, so a normal may differ from Rng.normal's in its last float bit, rarely.
 */
export function fillNormalWith(kernels: Kernels, rng: Rng, out: Float32Array): Float32Array {
  // Nothing to draw (a batch without unlabelled rows): the addon takes no empty arrays, and the generator stays put.
  if (out.length === 0) return out;
  const { state, spareNormal } = rng.saveState();
  if (spareNormal !== null) return rng.fillNormal(out);
  const spare = kernels.fillNormal(out, out.length, state);
  rng.restoreState(state, Number.isNaN(spare) ? null : spare);
  return out;
}

/** binarizeInPlace (src/data/transforms.ts) on the kernels: the same draws, bit for bit. */
export function bernoulliWith(kernels: Kernels, rng: Rng, x: Float32Array): Float32Array {
  if (x.length === 0) return x;
  const { state, spareNormal } = rng.saveState();
  kernels.bernoulliInPlace(x, x.length, state);
  rng.restoreState(state, spareNormal);
  return x;
}
