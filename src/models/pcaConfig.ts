// Apart from pca.ts, the model's math: the config tables, and so the command line's flags and help, read it
// without loading tfjs.

/** Principal component analysis (Pearson 1901; Hotelling 1933) as a linear autoencoder. */
export interface PcaConfig {
  kind: 'pca';
  /** Principal directions kept: the width of the code h = W (x - mu). Default 20. */
  latentDim: number;
}

export const PCA_DEFAULTS: PcaConfig = { kind: 'pca', latentDim: 20 };
