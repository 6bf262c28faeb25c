import * as tf from '@tensorflow/tfjs';
import { ImageBatch } from '../data/batches.js';
import { shuffledBatches } from '../data/streamedBatches.js';
import { imageSize } from '../data/dataset.js';
import { evaluateLossReads } from '../eval/elbo.js';
import { MultiStepModel, TrainingStep } from '../models/types.js';
import { Rng } from '../rng.js';
import { MaybePromise, settle, then } from '../tensorReads.js';
import { StepInputs, StepTerms, Stepper, termsAndGradients } from './loop.js';
import { StepOptimizers } from './stepOptimizers.js';
import { runStretch, StepStrategy, TrainContext } from './strategy.js';

/**
 * The gradient of the batch mean of `step`'s `total` with respect to the step's parameters only, and that
 * mean, named after the step. The caller applies or disposes the gradients.
 */
export function trainingStepGradients(step: TrainingStep, variables: tf.Variable[], { x, rows, labels }: ImageBatch, dim: number, rng: Rng): { terms: MaybePromise<StepTerms>; grads: tf.NamedTensorMap } {
  const { terms, grads } = termsAndGradients(variables, () => {
    const terms = step.loss({ x: tf.tensor2d(x, [rows, dim]), labels: tf.tensor1d(labels ?? new Int32Array(rows).fill(-1), 'int32') }, { beta: 1, numSamples: 1, rng });
    return { total: tf.mean(terms.total) as tf.Scalar };
  });
  return { terms: then(terms, ({ values }) => ({ names: [step.name], values })), grads };
}

/** The ordered steps of a multi-step model, each with its own optimizer over its own parameters. */
function multiStepper(model: MultiStepModel, ctx: TrainContext<StepOptimizers>): Stepper<ImageBatch> {
  const optimizers = ctx.optimizer;
  const { batchSize, seed } = ctx.train;
  const dim = imageSize(ctx.data.train);
  const steps = model.trainingSteps;
  const variables = steps.map((s) => s.params.map((name) => model.params.get(name)));
  const adams = steps.map((s) => optimizers.get(s.name));
  let grads: tf.NamedTensorMap | null = null;
  const discard = () => {
    if (grads) tf.dispose(grads);
    grads = null;
  };
  return {
    path: 'portable',
    // Labels (-1 where the data set has none) for a discriminator shown the class.
    source: shuffledBatches(ctx.data.train, { batchSize, seed, binarize: ctx.binarize, labels: true }),
    stepsPerBatch: steps.length,
    weighsKl: false,
    hint: 'Try a lower --lr.',
    setLearningRate: (lr) => optimizers.setLearningRate(lr),
    gradients(batch, i, inputs: StepInputs) {
      const step = trainingStepGradients(steps[i], variables[i], batch, dim, inputs.rng);
      grads = step.grads;
      return step.terms;
    },
    apply(i) {
      adams[i].apply(grads!);
      discard();
    },
    discard,
    // `total` is the first step's loss (the reconstruction): what validation and best.ckpt go by.
    record(terms) {
      optimizers.step += 1;
      return { names: ['total', ...terms.map((t) => t.names[0])], values: [terms[0].values[0], ...terms.map((t) => t.values[0])] };
    },
    validate: (val) => settle(evaluateLossReads(model, val, { batchSize: 500, numSamples: 1, seed })),
    score: (r) => (r.val ?? r.train).total,
    close: discard,
  };
}

/**
 * Several optimizer steps per batch, in order, each with its own optimizer over its own parameters (for the
 * AAE: reconstruction, discriminator, generator; Makhzani et al. 2015, sec. 2). Step i of global step t draws
 * its randomness (eps, prior samples) from (seed, Stream.eps, t, i). Each step's loss is logged under the
 * step's name; `total` is the first step's loss, the model's objective. The optimizer is the StepOptimizers
 * createRun makes for a model that declares steps.
 */
export const multiStep: StepStrategy<MultiStepModel, StepOptimizers> = {
  offersFusedEngine: () => false,
  train: (model, ctx) => runStretch(multiStepper(model, ctx), ctx),
};
