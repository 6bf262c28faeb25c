/**
 * The native kernels for the tests that set the fused path against tfjs, and the small inputs they share. Those
 * tests skip where the addon was not built, unless VAEKIT_REQUIRE_NATIVE=1 (as .ci/run sets), where they fail.
 */
import assert from 'node:assert/strict';
import { Dataset } from '../../src/data/dataset.js';
import { Kernels } from '../../src/fastpath/kernels.js';
import { VaeConfig } from '../../src/models/vae.js';
import { loadNativeKernels } from '../../src/node/native.js';
import { Rng } from '../../src/rng.js';

export const loaded = loadNativeKernels();
export const kernels = loaded.kernels as Kernels;
export const required = process.env.VAEKIT_REQUIRE_NATIVE === '1';
/** The `skip` option of a test that needs the kernels. */
export const nativeSkip = kernels ? false : required ? false : `native kernels not built: ${loaded.reason}`;

/** For a before hook: fails where the kernels are required but missing. */
export function assertNativeIfRequired(): void {
  if (required) assert.ok(kernels, `VAEKIT_REQUIRE_NATIVE=1 but the native kernels are missing: ${loaded.reason}`);
}

/** n values of 0 or 1 (30% ones), the same for the same seed. */
export function binary(n: number, seed: number): Float32Array {
  const rng = new Rng(seed, 98);
  return new Float32Array(n).map(() => (rng.uniform() < 0.3 ? 1 : 0));
}

/** `count` binary 10x10 images, the same every time. */
export function binaryImages(count: number): Dataset {
  const rng = new Rng(6, 1);
  const images = Uint8Array.from({ length: count * 100 }, () => (rng.uniform() < 0.3 ? 255 : 0));
  return { name: 'synthetic', images, count, shape: [10, 10, 1] };
}

/** MLP VAEs with each decoder the kernels run, for gradient checks on 50 inputs. */
export const KERNEL_DECODER_MODELS: Partial<VaeConfig>[] = [
  { decoder: 'bernoulli', hidden: [40, 30], activation: 'tanh' },
  { decoder: 'gaussian', sigma: 0.5, hidden: [40], activation: 'relu' },
  { decoder: 'gaussian-learned', hidden: [40], activation: 'softplus' },
];
