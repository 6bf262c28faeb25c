// Apart from likelihood.ts, which computes them: the config tables, and so the command line's flags and help, read it without loading tfjs.

/**
 * The decoder likelihoods the native kernels implement (src/fastpath, native/): a kernel's decoder code is
 * the index here, so the order is fixed.
 */
export const KERNEL_DECODERS = ['bernoulli', 'gaussian', 'gaussian-learned'] as const;
export type KernelDecoderKind = (typeof KERNEL_DECODERS)[number];

/** The decoder likelihoods p(x|z) vaekit offers: the kernels' ones, then those only tfjs runs. */
export const DECODERS = [...KERNEL_DECODERS, 'discretized-logistic', 'gaussian-ar'] as const;
export type DecoderKind = (typeof DECODERS)[number];

/** A model's likelihood p(x|z) (or p(x|y,z)) and the settings of it that DECODER_SETTINGS says each decoder reads. */
export interface DecoderSettings {
  /** The likelihood. Default 'bernoulli'. */
  decoder: DecoderKind;
  /** Standard deviation of the fixed-sigma Gaussian decoder. Default 1. */
  sigma: number;
  /** Floor of the learned per-pixel log-variance ('gaussian-learned', 'gaussian-ar'). Default -6. */
  minLogVar: number;
}

/** The settings each decoder reads: the fixed Gaussian its sigma, the learned variances their floor. */
export const DECODER_SETTINGS: Record<DecoderKind, readonly ('sigma' | 'minLogVar')[]> = {
  bernoulli: [],
  gaussian: ['sigma'],
  'gaussian-learned': ['minLogVar'],
  'discretized-logistic': [],
  'gaussian-ar': ['minLogVar'],
};

/** The field's `appliesWhen` for a decoder setting: the section's decoder reads it. */
export function decoderReads(setting: 'sigma' | 'minLogVar'): (section: Record<string, unknown>) => boolean {
  return (section) => DECODER_SETTINGS[section.decoder as DecoderKind]?.includes(setting) ?? true;
}
