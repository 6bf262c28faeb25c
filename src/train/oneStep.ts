import { ImageBatch } from '../data/batches.js';
import { shuffledBatches } from '../data/streamedBatches.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { evaluateLossReads } from '../eval/elbo.js';
import { evaluateLabelledLossReads } from '../eval/labelledLoss.js';
import { Model } from '../models/types.js';
import { MaybePromise, settle } from '../tensorReads.js';
import { Adam } from './adam.js';
import { createStepEngine, StepEngine, tfjsStepEngine } from './engine.js';
import { Stepper } from './loop.js';
import { Metrics } from './state.js';
import { runStretch, StepStrategy, TrainContext } from './strategy.js';

/** One gradient step per batch on the batch mean of the model's `total`, through `engine`. */
function oneStepStepper(engine: StepEngine, optimizer: Adam, ctx: TrainContext, opts: { labels: boolean; hint: string; validate(val: Dataset): MaybePromise<Metrics> }): Stepper<ImageBatch> {
  const { batchSize, seed } = ctx.train;
  return {
    path: engine.path,
    source: shuffledBatches(ctx.data.train, { batchSize, seed, binarize: ctx.binarize, labels: opts.labels }),
    stepsPerBatch: 1,
    weighsKl: true,
    hint: opts.hint,
    setLearningRate: (lr) => optimizer.setLearningRate(lr),
    gradients: (batch, _i, inputs) => engine.gradients(batch, inputs),
    apply: () => engine.apply(),
    discard: () => engine.discard(),
    record: ([terms]) => terms,
    sync: () => engine.sync(),
    validate(val) {
      return opts.validate(val);
    },
    score: (r) => (r.val ?? r.train).total,
    close() {
      // The model and optimizer end up holding the state reached, however training ended.
      engine.sync();
      engine.dispose();
    },
  };
}

/**
 * The stepper of a model trained on one objective: Adam steps on the batch mean of `total`, on the hand-fused
 * kernels where the model offers an MLP VAE plan, else on tfjs; validation is the mean of its terms.
 */
export function gradientStepper(model: Model, optimizer: Adam, ctx: TrainContext): Stepper<ImageBatch> {
  const { numSamples, seed, objective } = ctx.train;
  return oneStepStepper(createStepEngine(model, optimizer, imageSize(ctx.data.train)), optimizer, ctx, {
    labels: false,
    hint: 'Try a lower --lr, or --warmup-epochs.',
    validate: (val) => settle(evaluateLossReads(model, val, { batchSize: 500, numSamples, seed, objective })),
  });
}

/** One gradient step per batch on one objective (VAE, autoencoders). */
export const oneStep: StepStrategy<Model> = {
  offersFusedEngine: (model) => typeof model.mlpVaePlan === 'function',
  train: (model, ctx) => runStretch(gradientStepper(model, ctx.optimizer, ctx), ctx),
};

/**
 * One gradient step per batch on an objective given the labels (the CVAE), on tfjs: every batch carries its
 * images' labels, and validation is the mean `total` with the labels given.
 */
export const labelledStep: StepStrategy<Model> = {
  offersFusedEngine: () => false,
  train(model, ctx) {
    if (!ctx.data.train.labels) throw new Error(`${ctx.data.train.name}: a ${model.kind} model trains on labelled images, and this data set has no labels`);
    const { numSamples, seed } = ctx.train;
    const stepper = oneStepStepper(tfjsStepEngine(model, ctx.optimizer, imageSize(ctx.data.train)), ctx.optimizer, ctx, {
      labels: true,
      hint: 'Try a lower --lr.',
      validate: (val) => settle(evaluateLabelledLossReads(model, val, { numSamples, seed })),
    });
    return runStretch(stepper, ctx);
  },
};
