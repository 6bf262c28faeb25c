/**
 * The model kinds, their configs and defaults, the registry of kinds, and the interfaces models implement.
 *
 * @module vaekit/models
 */
export { buildEncoder, buildDecoder, NETS } from './networks.js';
export type { NetKind, Network } from './networks.js';
export { DECODERS, KERNEL_DECODERS, isKernelDecoder, MIN_LOG_SCALE, logLikelihood, decoderMean, decoderOutputSize } from './likelihood.js';
export type { DecoderKind, LikelihoodOptions } from './likelihood.js';
export { Vae, ConvVae, PortableMlpVae, createVae, VAE_DEFAULTS } from './vae.js';
export type { VaeConfig } from './vae.js';
export { StandardNormalPrior } from './latentPrior.js';
export type { LatentPrior } from './latentPrior.js';
export { VampPrior } from './vampPrior.js';
export { Autoencoder, AE_DEFAULTS, DAE_DEFAULTS, CAE_DEFAULTS, RECON_LOSSES, CONTRACTIVE_FORMS } from './autoencoder.js';
export type { AeConfig, DaeConfig, CaeConfig, AutoencoderConfig, ReconLoss, ContractiveForm } from './autoencoder.js';
export { jacobianFrobeniusSq, stochasticContraction, activationSlope } from './contractive.js';
export { Pca, PCA_DEFAULTS, isFittedModel } from './pca.js';
export type { PcaConfig, PcaFitReport, FittedModel } from './pca.js';
export { isModelKind, MODEL_KINDS, modelKindSpec, registerModelKind } from './registry.js';
export type { KindConfig, ModelFactory } from './spec.js';
export { createModel } from './create.js';
export type { ModelConfig, ModelKind, ModelKindSpec, TrainerKind } from './registry.js';
export { isLatentVariableModel, isCodeModel } from './types.js';
export type { Batch, LossOptions, LossTerms, Model, LatentVariableModel, CodeModel } from './types.js';
export { Aae, AAE_DEFAULTS } from './aae.js';
export type { AaeConfig } from './aae.js';
export { isMultiStepModel } from './types.js';
export type { MultiStepModel, TrainingStep } from './types.js';
export { Cvae, CVAE_DEFAULTS } from './cvae.js';
export type { CvaeConfig } from './cvae.js';
export { isClassifier, isSemiSupervisedModel, isConditionalCodeModel, isConditionalLatentVariableModel } from './labelled.js';
export type { Classifier, SemiSupervisedModel, ConditionalCodeModel, ConditionalLatentVariableModel, MixedBatch, LabelCounts, LabelSettings } from './labelled.js';
