// The PCA kind's spec: its config type, defaults, fields and training regime, apart from pca.ts, its math,
// so that reading specs (the command line's help and flag checks) loads no tfjs.
import { ModelKindSpec } from './spec.js';

/** Principal component analysis (Pearson 1901; Hotelling 1933) as a linear autoencoder. */
export interface PcaConfig {
  kind: 'pca';
  /** Principal directions kept: the width of the code h = W (x - mu). Default 20. */
  latentDim: number;
}

export const PCA_DEFAULTS: PcaConfig = { kind: 'pca', latentDim: 20 };

export const PCA_KIND: ModelKindSpec<PcaConfig> = {
  kind: 'pca',
  description: 'principal component analysis: exact fit on the training covariance, h = W^T (x - mu)',
  defaults: PCA_DEFAULTS,
  fields: [{ key: 'latentDim', flag: 'latent', help: 'principal directions kept (width of the code)', type: { type: 'int', min: 1 } }],
  trainer: 'fit',
  objective: 'squared error',
  load: async () => {
    const { Pca } = await import('./pca.js');
    return (config, inputDim) => new Pca(config, inputDim);
  },
  // The fit holds the d x d second moment, the covariance and its eigenvectors at once.
  size: (config, [h, w, c]) => ({ parameters: h * w * c * (config.latentDim + 1), fitValues: 3 * (h * w * c) ** 2 }),
  // The fit sees each training image once (seeded binarization aside) and takes no step: no rate, no epochs.
  unusedTrainSettings: { keys: ['epochs', 'batchSize', 'lr', 'lrSteps', 'lrStepFactor', 'beta', 'warmupEpochs', 'numSamples', 'adamBeta2', 'adamEpsilon', 'patience'], reason: 'it is fitted in one pass' },
  trainDefaults: { epochs: 1 },
};
