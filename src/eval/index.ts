/**
 * Evaluation: ELBO, importance-sampled likelihood, bits per dimension, reconstruction, classification, MMD; which figures apply to a run.
 *
 * @module vaekit/eval
 */
export { reconstructionError } from './reconstruction.js';
export type { ReconstructionError, ReconstructionOptions } from './reconstruction.js';
export { comparisonMarkdown, DENOISING_PROBE } from './comparison.js';
export type { ComparisonRow } from './comparison.js';
export { evaluateLoss } from './elbo.js';
export { estimateLogLikelihood } from './loglik.js';
export { bitsPerDim, bitsPerDimKind, dequantizeBatch, dequantizeInPlace, BYTE_BIN_WIDTH } from './bitsPerDim.js';
export type { Dequantization } from './bitsPerDim.js';
export { mmdSquared, medianDistance } from './mmd.js';
export { priorMatch, isPriorMatchedModel } from './priorMatch.js';
export type { PriorMatch, PriorMatchedModel } from './priorMatch.js';
export { predictLabels, classificationError, confusionMatrix, errorRate } from './classification.js';
export { evaluateLabelledLoss } from './labelledLoss.js';
export { evaluateRun, evaluationTasks, importanceSampledDensity } from './figures.js';
export type { Evaluation, EvaluationOptions, EvaluationTask, GivenLabelFigures, SemiSupervisedBounds } from './figures.js';
export { evaluationLines } from './describe.js';
export type { FigureLine } from './describe.js';
export { estimateLogLikelihoodGivenLabel } from './loglik.js';
export { sslRows, sslMarkdown, PAPER_TABLE_1 } from './sslTable.js';
export type { SslResult, SslRow } from './sslTable.js';
