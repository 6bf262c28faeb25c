import * as tf from '@tensorflow/tfjs';
import { RunConfig } from '../config/run.js';
import { imageSize } from '../data/dataset.js';
import { binarizeInPlace, gatherBatch, inOrder } from '../data/transforms.js';
import { evaluateLoss } from '../eval/elbo.js';
import { isFittedModel } from '../models/pca.js';
import { Model } from '../models/types.js';
import { Rng, Stream } from '../rng.js';
import { Adam } from './adam.js';
import { EpochRecord, TrainState } from './state.js';
import { TrainData, TrainEvents, TrainOptions } from './trainer.js';

/** Rows per product when a fit streams the training set: large enough for fast matrix products. */
const FIT_BATCH = 1000;

/**
 * The trainer of kinds declared `trainer: 'fit'` (PCA): one closed-form fit on the training set, seen once,
 * binarized as the first epoch of a gradient-trained run would see it. A fit does in one pass what the epochs
 * would, so the run is recorded as one history entry at the last epoch and counts as finished, and training
 * runs, checkpoints and resumes like any other. The optimizer is not used.
 */
export async function fit(model: Model, _optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents = {}, options: TrainOptions = {}): Promise<'finished' | 'stopped'> {
  if (!isFittedModel(model)) throw new Error(`a ${model.kind} model is declared to be fitted, but has no fit()`);
  if (state.epoch >= config.train.epochs) return 'finished';
  options.onEngine?.('portable');
  const { seed } = config.train;
  const n = data.train.count;
  const dim = imageSize(data.train);
  const order = inOrder(n);
  const batches = Math.ceil(n / FIT_BATCH);
  const started = Date.now();
  function* trainingBatches(report: boolean): Generator<Float32Array> {
    for (let b = 0; b < batches; b++) {
      const end = Math.min((b + 1) * FIT_BATCH, n);
      const x = gatherBatch(data.train, order, b * FIT_BATCH, end);
      if (config.data.binarize === 'dynamic') binarizeInPlace(x, new Rng(seed, Stream.binarize, 0, b));
      yield x;
      if (report) events.onStep?.({ epoch: config.train.epochs, batch: b + 1, batches, step: 0, done: end, total: n, running: {}, beta: 1 });
    }
  }
  const report = model.fit(trainingBatches(true));
  // The loss terms of the fitted model on the very images it was fitted to.
  const sums: Record<string, number> = {};
  for (const x of trainingBatches(false)) {
    const values = tf.tidy(() => {
      const terms = model.lossTerms({ x: tf.tensor2d(x, [x.length / dim, dim]) }, { beta: 1, numSamples: 1, rng: new Rng(seed, Stream.evalEps) });
      return Object.entries(terms).map(([k, t]) => [k, tf.sum(t).dataSync()[0]] as const);
    });
    for (const [k, v] of values) sums[k] = (sums[k] ?? 0) + v / n;
  }
  const val = data.val ? evaluateLoss(model, data.val, { seed }) : undefined;
  const record: EpochRecord = {
    epoch: config.train.epochs,
    beta: 1,
    train: { ...sums, ...report },
    val,
    seconds: (Date.now() - started) / 1000,
  };
  state.history.push(record);
  state.best = { epoch: record.epoch, total: val?.total ?? sums.total };
  state.epoch = config.train.epochs;
  state.batch = 0;
  state.partial = { sums: {}, count: 0, seconds: 0 };
  await events.onEpochEnd?.(record, state);
  return 'finished';
}
