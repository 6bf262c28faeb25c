/**
 * Distributions and closed forms on tensors, and the counter-addressed random streams every draw comes from.
 *
 * @module vaekit/prob
 */
export { Rng, Stream, hashInts, permutation } from '../rng.js';
export { reparameterize, klStdNormal, klGaussians, logNormal, logStdNormal, logNormalFixedSigma, cholesky } from './gaussian.js';
export { logBernoulli, bernoulliMean } from './bernoulli.js';
export { logMeanExp, monteCarloMean, LogMeanExpAccumulator, scaleGradient, stopGradient } from './estimators.js';
export { logDiscretizedLogistic, logDiscretizedLogisticPerPixel, BIN_WIDTH_8BIT } from './logistic.js';
export { normalQuantile } from './normalQuantile.js';
export { PRIORS, PRIOR_COMPONENTS, samplePrior, priorHasComponents } from './priors.js';
export type { PriorKind, PriorSample } from './priors.js';
