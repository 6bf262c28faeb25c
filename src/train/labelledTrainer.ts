import * as tf from '@tensorflow/tfjs';
import { klWeight, learningRate, RunConfig } from '../config/run.js';
import { imageSize } from '../data/dataset.js';
import { gatherLabels } from '../data/labelSplit.js';
import { binarizeInPlace, gatherBatch } from '../data/transforms.js';
import { evaluateLabelledLoss } from '../eval/labelledLoss.js';
import { Model } from '../models/types.js';
import { permutation, Rng, Stream } from '../rng.js';
import { Adam } from './adam.js';
import { closeEpoch, gradientStep, recordStep, StepClock } from './loop.js';
import { TrainState } from './state.js';
import { TrainData, TrainEvents, TrainOptions } from './trainer.js';

/**
 * The trainer of kinds declared `trainer: 'labelled'` (the CVAE): like the standard loop, but every batch
 * carries its images' labels, and the steps run on the portable path. Shuffling, binarization and eps are
 * addressed by (seed, epoch, batch, step) as there, so resuming is exact. Validation is the mean `total`
 * with the labels given.
 */
export async function trainLabelled(model: Model, optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents = {}, options: TrainOptions = {}): Promise<'finished' | 'stopped'> {
  const { train: tc, data: dc } = config;
  const { seed, batchSize } = tc;
  const n = data.train.count;
  const dim = imageSize(data.train);
  if (!data.train.labels) throw new Error(`${data.train.name}: a ${model.kind} model trains on labelled images, and this data set has no labels`);
  const batches = Math.ceil(n / batchSize);
  options.onEngine?.('portable');
  const clock = new StepClock();
  while (state.epoch < tc.epochs) {
    const order = permutation(n, new Rng(seed, Stream.shuffle, state.epoch));
    optimizer.setLearningRate(learningRate(tc, state.epoch + 1));
    clock.startEpoch();
    while (state.batch < batches) {
      const start = state.batch * batchSize;
      const end = Math.min(start + batchSize, n);
      const x = gatherBatch(data.train, order, start, end);
      if (dc.binarize === 'dynamic') binarizeInPlace(x, new Rng(seed, Stream.binarize, state.epoch, state.batch));
      const labels = gatherLabels(data.train, order, start, end);
      const beta = klWeight(tc, state.epoch + (state.batch + 1) / batches);
      const rng = new Rng(seed, Stream.eps, state.step);
      const { names, values } = gradientStep(model.params.list(), optimizer, () => {
        const terms = model.lossTerms({ x: tf.tensor2d(x, [end - start, dim]), labels: tf.tensor1d(labels, 'int32') }, { beta, numSamples: tc.numSamples, rng });
        return Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, tf.mean(t) as tf.Scalar])) as { total: tf.Scalar } & Record<string, tf.Scalar>;
      }, state);
      recordStep(state, names, values, end - start);
      if (await clock.afterStep(state, events, { batches, done: end, total: n, beta })) return 'stopped';
    }
    const validationStart = Date.now();
    const val = data.val ? evaluateLabelledLoss(model, data.val, { numSamples: tc.numSamples, seed }) : undefined;
    await closeEpoch(state, tc, val, (r) => (r.val ?? r.train).total, (Date.now() - validationStart) / 1000, events);
    if (events.shouldStop?.() && state.epoch < tc.epochs) return 'stopped';
  }
  return 'finished';
}
