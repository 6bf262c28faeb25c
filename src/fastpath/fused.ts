import { Kernels } from './kernels.js';

/**
 * The hand-fused kernels chosen at start-up, the one seam for speed beside the tfjs backend (whose choice
 * tf.setBackend holds). Node's start-up (src/node/backend.ts) sets them where the addon loads and the engine
 * choice allows; models that offer a plan for them (an MLP VAE, an M2) then train and score on them, every
 * other model on the tfjs backend. Unset, as in the browser, everything runs on tfjs.
 */
let active: Kernels | null = null;

/** Sets (or with null, clears) the hand-fused kernels every later step and evaluation may use. */
export function useFusedKernels(kernels: Kernels | null): void {
  active = kernels;
}

/** The hand-fused kernels chosen at start-up, or null: tfjs alone. */
export function fusedKernels(): Kernels | null {
  return active;
}
