import { Rng } from '../rng.js';

/**
 * The priors p(z) an adversarial autoencoder can impose on its codes (Makhzani et al. 2015, sec. 2 and fig. 4),
 * each a seeded sampler over plain arrays: the draws depend only on the stream they are given.
 */
export const PRIORS = ['gaussian', 'mixture', 'swissroll'] as const;
export type PriorKind = (typeof PRIORS)[number];

/** Components of the mixture and segments of the swiss roll: one per MNIST class. */
export const PRIOR_COMPONENTS = 10;
/** Radius of the circle the mixture's means lie on, and the standard deviation of each component. */
export const MIXTURE_RADIUS = 4;
export const MIXTURE_STD = 0.5;
/** Outer radius of the swiss roll, its turns, and the Gaussian noise added around the curve. */
export const SWISSROLL_RADIUS = 4;
export const SWISSROLL_TURNS = 2;
export const SWISSROLL_NOISE = 0.1;

/** n draws z [n * dim] (row after row) and, for priors made of parts, the part each came from. */
export interface PriorSample {
  z: Float32Array;
  /** Component (mixture) or segment (swiss roll) in 0..PRIOR_COMPONENTS-1; null for the Gaussian. */
  component: Int32Array | null;
}

/** Whether a prior is made of parts a label can point to (what --labels needs). */
export function priorHasComponents(kind: PriorKind): boolean {
  return kind !== 'gaussian';
}

/** The latent sizes a prior is defined for; throws a message naming the problem otherwise. */
export function checkPriorDim(kind: PriorKind, dim: number): void {
  if (kind === 'swissroll' && dim !== 2) throw new Error(`the swissroll prior is 2-D: it needs a latent size of 2, got ${dim}`);
  if (kind === 'mixture' && dim < 2) throw new Error(`the mixture prior lies on a circle: it needs a latent size of at least 2, got ${dim}`);
}

/**
 * Draws n samples. gaussian: N(0, I). mixture: an equal-weight mixture of PRIOR_COMPONENTS Gaussians
 * N(mu_k, MIXTURE_STD^2 I) with mu_k = MIXTURE_RADIUS (cos 2 pi k / K, sin 2 pi k / K) in the first two dimensions
 * and 0 in the others (the 2-D mixture of Makhzani et al. fig. 4, extended by isotropic noise). swissroll: with
 * u ~ U(0, 1) and s = sqrt(u) (uniform density along the spiral's area), z = R s (cos 2 pi T s, sin 2 pi T s) +
 * N(0, SWISSROLL_NOISE^2 I); the segment is floor(K u), so segments hold equal mass and follow the roll in order.
 */
export function samplePrior(kind: PriorKind, n: number, dim: number, rng: Rng): PriorSample {
  checkPriorDim(kind, dim);
  const z = new Float32Array(n * dim);
  if (kind === 'gaussian') return { z: rng.fillNormal(z), component: null };
  const component = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    if (kind === 'mixture') {
      const k = rng.below(PRIOR_COMPONENTS);
      const angle = (2 * Math.PI * k) / PRIOR_COMPONENTS;
      for (let j = 0; j < dim; j++) z[row + j] = MIXTURE_STD * rng.normal();
      z[row] += MIXTURE_RADIUS * Math.cos(angle);
      z[row + 1] += MIXTURE_RADIUS * Math.sin(angle);
      component[i] = k;
    } else {
      const u = rng.uniform();
      const s = Math.sqrt(u);
      const angle = 2 * Math.PI * SWISSROLL_TURNS * s;
      z[row] = SWISSROLL_RADIUS * s * Math.cos(angle) + SWISSROLL_NOISE * rng.normal();
      z[row + 1] = SWISSROLL_RADIUS * s * Math.sin(angle) + SWISSROLL_NOISE * rng.normal();
      component[i] = Math.min(PRIOR_COMPONENTS - 1, Math.floor(u * PRIOR_COMPONENTS));
    }
  }
  return { z, component };
}
