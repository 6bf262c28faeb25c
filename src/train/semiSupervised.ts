import { MixedBatches, MixedImageBatch } from '../data/batches.js';
import { balancedLabelSplit } from '../data/labelSplit.js';
import { classificationErrorReads } from '../eval/classification.js';
import { SemiSupervisedModel } from '../models/labelled.js';
import { settle, then } from '../tensorReads.js';
import { Adam } from './adam.js';
import { Stepper } from './loop.js';
import { createSemiSupervisedEngine } from './semiSupervisedEngine.js';
import { inMemory, runStretch, StepStrategy, TrainContext } from './strategy.js';

/**
 * The semi-supervised step: on every batch of `batchSize` unlabelled images and `labelledBatch` labelled ones
 * (src/data/batches.ts MixedBatches, over the model's balanced labelled split), an Adam step on the model's
 * `semiSupervisedLoss`, which weighs the two parts by the sizes of the two sets; on the hand-fused kernels
 * where the model offers an M2 plan. Validation is the error of q(y|x), which also picks the best epoch
 * (model selection as in Kingma et al. 2014).
 */
export function semiSupervisedStepper(model: SemiSupervisedModel, optimizer: Adam, ctx: TrainContext): Stepper<MixedImageBatch> {
  const { batchSize, seed } = ctx.train;
  const { labelled, labelledBatch } = model.config;
  const train = inMemory(ctx.data.train, model.kind);
  const split = balancedLabelSplit(train, labelled, model.numClasses, seed);
  const counts = { labelled: split.labelled.length, unlabelled: split.unlabelled.length };
  const engine = createSemiSupervisedEngine(model, optimizer);
  return {
    path: engine.path,
    source: new MixedBatches(train, split, { batchSize, seed, binarize: ctx.binarize, labelledBatch }),
    stepsPerBatch: 1,
    weighsKl: true,
    hint: 'Try a lower --lr.',
    setLearningRate: (lr) => optimizer.setLearningRate(lr),
    gradients: (batch, _i, inputs) => engine.gradients(batch, counts, inputs),
    apply: () => engine.apply(),
    discard: () => engine.discard(),
    record: ([terms]) => terms,
    sync: () => engine.sync(),
    validate(val) {
      return then(settle(classificationErrorReads(model, val)), (error) => ({ error }));
    },
    score: (r) => r.val?.error ?? r.train.total,
    close() {
      // The model and optimizer end up holding the state reached, however training ended.
      engine.sync();
      engine.dispose();
    },
  };
}

/** The semi-supervised regime (M2). */
export const semiSupervised: StepStrategy<SemiSupervisedModel> = {
  offersFusedEngine: (model) => typeof model.m2Plan === 'function',
  train: (model, ctx) => runStretch(semiSupervisedStepper(model, ctx.optimizer, ctx), ctx),
};
