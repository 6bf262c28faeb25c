/**
 * Every test figure that applies to a run, decided from what its model can do (an encoder and decoder, a
 * density with a Gaussian posterior, one given the label, a classifier, a prior its codes are matched to) and
 * from what the data hold (labels), never from the kind's name. `vaekit eval` prints them (src/eval/describe.ts)
 * and writes them to eval.json; the report shows the same.
 */
import { Dataset } from '../data/dataset.js';
import type { Run } from '../io/run.js';
import { isClassifier, isConditionalCodeModel, isConditionalLatentVariableModel, isSemiSupervisedModel } from '../models/labelled.js';
import { DecoderKind } from '../models/likelihood.js';
import { createModel } from '../models/create.js';
import { isCodeModel, isLatentVariableModel, Model } from '../models/types.js';
import { bitsPerDim, PixelScoring, pixelScoring } from './bitsPerDim.js';
import { classificationError } from './classification.js';
import { evaluateLoss } from './elbo.js';
import { evaluateLabelledLoss } from './labelledLoss.js';
import { estimateLogLikelihood, estimateLogLikelihoodGivenLabel } from './loglik.js';
import { isPriorMatchedModel, priorMatch } from './priorMatch.js';
import { ReconstructionError, reconstructionError } from './reconstruction.js';

/** Bits per dimension of a likelihood over 8-bit pixels (src/eval/bitsPerDim.ts). */
export interface BitsPerDimFigures {
  /** The images were uniformly dequantized before scoring (a continuous density). */
  dequantized: boolean;
  binWidth: number;
  /** The decoder whose likelihood it is. */
  decoder?: DecoderKind;
  /** From the -ELBO. */
  negElbo: number;
  /** From the importance-sampled -log p, when it was estimated. */
  negLogLikelihood?: number;
}

/** A bound on a negative log-likelihood in nats per image, with its terms (recon, kl, ...). */
export interface Bound {
  total: number;
  terms: Record<string, number>;
}

/** The figures of a conditional density p(x|y) scored with each image's label (the CVAE). */
export interface GivenLabelFigures {
  /** -ELBO of log p(x|y), nats per image, and its terms. */
  negElbo: number;
  terms: Record<string, number>;
  /** Importance samples per image of the estimate below. */
  k?: number;
  /** Importance-sampled -log p(x|y) with q(z|x,y) as proposal (Burda et al. 2016). */
  negLogLikelihood?: number;
  bitsPerDim?: BitsPerDimFigures;
}

/** The bounds of a semi-supervised model (Kingma et al. 2014): L(x,y) of eq. 6 and U(x) of eq. 7, negated. */
export interface SemiSupervisedBounds {
  /** What the bounds score: the images, or (M1+M2) the features another model makes of them. */
  of: 'images' | 'features';
  /** The images were uniformly dequantized before scoring (a continuous density on 8-bit data). */
  dequantized: boolean;
  /** -L(x,y) with each image's label, beside the classifier's -log q(y|x) at that label; absent without labels. */
  labelled?: Bound;
  /** -U(x): the label summed out under q(y|x). */
  unlabelled?: Bound;
}

/** What eval.json holds beside the checkpoint's own fields: each figure only where it applies. */
export interface Evaluation {
  /** Images scored. */
  images: number;
  /** Per image, through the deterministic code (given each image's label for a conditional model). */
  reconstruction?: ReconstructionError & { givenLabel?: boolean };
  /** Share of the training variance a fitted model keeps (PCA), as training recorded it. */
  explainedVariance?: number;
  /** MMD^2 of the test codes to the prior, and of an untrained encoder's (same seed). */
  priorMatch?: { mmd2: number; untrainedMmd2?: number; sigma: number; count: number };
  /** -ELBO of log p(x), nats per image, and its terms. */
  negElbo?: number;
  terms?: Record<string, number>;
  /** Importance samples per image of the estimate of -log p(x) (or, in givenLabel, of -log p(x|y)). */
  k?: number;
  /** Importance-sampled -log p(x) with q(z|x) as proposal. */
  negLogLikelihood?: number;
  bitsPerDim?: BitsPerDimFigures;
  /** A conditional density's figures, each image scored with its label. */
  givenLabel?: GivenLabelFigures;
  bounds?: SemiSupervisedBounds;
  /** Fraction of the images the classifier q(y|x) gets wrong. */
  classifierError?: number;
}

export interface EvaluationOptions {
  /** Importance samples per image for -log p(x) (or -log p(x|y)); 0 skips the estimate. Default 5000. */
  k?: number;
  /** Monte Carlo samples of z per image for the bounds. Default 1. */
  numSamples?: number;
  /** Images per pass of the bounds: many samples of z fit in memory only a few images at a time. Default 500. */
  batchSize?: number;
  /** Seed of every draw (eps, dequantization noise, prior draws). Default 0. */
  seed?: number;
}

/** One measurement: `run` adds its figures to the evaluation, reporting images done. */
export interface EvaluationTask {
  /** What it measures, for a progress bar: 'ELBO', '-log p(x), k=5000'. */
  name: string;
  run(into: Evaluation, onProgress: (done: number, total: number) => void): Promise<void>;
}

/** The part of a run an evaluation reads. */
export type EvaluatedRun = Pick<Run, 'model' | 'config' | 'state' | 'inputShape'>;

/** The -log p the importance sampler estimates for a model: of x, of x given its label, or none. */
export function importanceSampledDensity(model: Model): 'p(x)' | 'p(x|y)' | null {
  return isLatentVariableModel(model) ? 'p(x)' : isConditionalLatentVariableModel(model) ? 'p(x|y)' : null;
}

/** Whether the model defines a density at all (the autoencoders and PCA do not). */
export function hasDensity(model: Model): boolean {
  return importanceSampledDensity(model) !== null || isSemiSupervisedModel(model);
}

/**
 * A model whose objective scores features another model makes of the input rather than the input itself
 * (M1+M2: M2 on the mean of M1's q(z1|x)): its bounds are densities over those features, not over pixels.
 */
function scoresFeatures(model: Model): boolean {
  return typeof (model as { features?: unknown }).features === 'function';
}

function bitsPerDimOf(scoring: PixelScoring, decoder: DecoderKind | undefined, dims: number, negElbo: number): BitsPerDimFigures | undefined {
  if (scoring.kind === 'none') return undefined;
  return { dequantized: scoring.dequantize !== undefined, binWidth: scoring.binWidth, decoder, negElbo: bitsPerDim(negElbo, dims, scoring.binWidth) };
}

/** The measurements that apply to the run's model on `data` (the test images as training saw them), in order. */
export function evaluationTasks(run: EvaluatedRun, data: Dataset, opts: EvaluationOptions = {}): EvaluationTask[] {
  const { model, config } = run;
  const seed = opts.seed ?? 0;
  const numSamples = opts.numSamples ?? 1;
  const batchSize = opts.batchSize ?? 500;
  const k = opts.k ?? 5000;
  const hasLabels = data.labels !== undefined;
  const decoder = (config.model as { decoder?: DecoderKind }).decoder;
  const scoring = pixelScoring(config.model, config.data.binarize, seed);
  const { dequantize } = scoring;
  const dims = data.shape[0] * data.shape[1] * data.shape[2];
  const tasks: EvaluationTask[] = [];
  const task = (name: string, run: EvaluationTask['run']) => tasks.push({ name, run });

  if (isCodeModel(model) || (isConditionalCodeModel(model) && hasLabels)) {
    task('reconstruction', async (into, onProgress) => {
      const recon = reconstructionError(model, data, { onProgress });
      into.reconstruction = isCodeModel(model) ? recon : { ...recon, givenLabel: true };
    });
  }
  // A fitted model (PCA) recorded the share of the training variance it keeps.
  const explained = run.state.history.at(-1)?.train.explainedVariance;
  if (explained !== undefined) task('explained variance', async (into) => void (into.explainedVariance = explained));

  if (isPriorMatchedModel(model)) {
    task('codes vs prior', async (into) => {
      // The same architecture freshly initialized from the run's seed: what the encoder's codes were before training.
      const untrained = createModel(config.model, dims, config.train.seed, run.inputShape);
      try {
        const trained = priorMatch(model, data, { seed });
        const before = isPriorMatchedModel(untrained) ? priorMatch(untrained, data, { seed }) : null;
        into.priorMatch = { mmd2: trained.mmd2, untrainedMmd2: before?.mmd2, sigma: trained.sigma, count: trained.count };
      } finally {
        untrained.dispose();
      }
    });
  }

  if (isLatentVariableModel(model)) {
    task('ELBO', async (into, onProgress) => {
      const terms = evaluateLoss(model, data, { batchSize, numSamples, seed, dequantize, onProgress });
      const bits = bitsPerDimOf(scoring, decoder, dims, terms.total);
      Object.assign(into, { negElbo: terms.total, terms }, bits ? { bitsPerDim: bits } : {});
    });
    if (k > 0) {
      task(`-log p(x), k=${k}`, async (into, onProgress) => {
        const ll = await estimateLogLikelihood(model, data, { k, seed, dequantize, onProgress });
        Object.assign(into, { k, negLogLikelihood: -ll.mean });
        if (into.bitsPerDim) into.bitsPerDim.negLogLikelihood = bitsPerDim(-ll.mean, dims, scoring.binWidth);
      });
    }
  }

  if (isConditionalLatentVariableModel(model) && hasLabels) {
    task('ELBO given the label', async (into, onProgress) => {
      const terms = evaluateLabelledLoss(model, data, { batchSize, numSamples, seed, dequantize, onProgress });
      const bits = bitsPerDimOf(scoring, decoder, dims, terms.total);
      into.givenLabel = { negElbo: terms.total, terms, ...(bits ? { bitsPerDim: bits } : {}) };
    });
    if (k > 0) {
      task(`-log p(x|y), k=${k}`, async (into, onProgress) => {
        const ll = await estimateLogLikelihoodGivenLabel(model, data, { k, seed, dequantize, onProgress });
        const given = into.givenLabel!;
        Object.assign(given, { k, negLogLikelihood: -ll.mean });
        if (given.bitsPerDim) given.bitsPerDim.negLogLikelihood = bitsPerDim(-ll.mean, dims, scoring.binWidth);
      });
    }
  }

  if (isSemiSupervisedModel(model)) {
    const of = scoresFeatures(model) ? 'features' : 'images';
    // A density over features is not one over pixels: the images are scored as they are.
    const noise = of === 'images' ? dequantize : undefined;
    const bound = (terms: Record<string, number>): Bound => ({ total: terms.total, terms: Object.fromEntries(Object.entries(terms).filter(([name]) => name !== 'total')) });
    const bounds = (into: Evaluation) => (into.bounds ??= { of, dequantized: noise !== undefined });
    if (hasLabels) {
      task('bound -L(x,y)', async (into, onProgress) => {
        bounds(into).labelled = bound(evaluateLabelledLoss(model, data, { batchSize, numSamples, seed, dequantize: noise, onProgress }));
      });
    }
    task('bound -U(x)', async (into, onProgress) => {
      bounds(into).unlabelled = bound(evaluateLoss(model, data, { batchSize, numSamples, seed, dequantize: noise, onProgress }));
    });
  }

  if (isClassifier(model) && hasLabels) {
    task('classifier', async (into, onProgress) => void (into.classifierError = classificationError(model, data, { onProgress })));
  }
  return tasks;
}

/** Runs every task that applies: the figures `vaekit eval` writes. Changes nothing in the model. */
export async function evaluateRun(run: EvaluatedRun, data: Dataset, opts: EvaluationOptions = {}): Promise<Evaluation> {
  const into: Evaluation = { images: data.count };
  for (const t of evaluationTasks(run, data, opts)) await t.run(into, () => {});
  return into;
}
