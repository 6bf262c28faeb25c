import * as tf from '@tensorflow/tfjs';
import { learningRate, RunConfig } from '../config/run.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { binarizeInPlace, gatherBatch } from '../data/transforms.js';
import { evaluateLoss } from '../eval/elbo.js';
import { isMultiStepModel, Model, MultiStepModel, TrainingStep } from '../models/types.js';
import { permutation, Rng, Stream } from '../rng.js';
import { Adam } from './adam.js';
import { EpochRecord, TrainState } from './state.js';
import { StepOptimizers } from './stepOptimizers.js';
import { DivergedError, recordStep, runningMeans, StepClock } from './loop.js';
import { TrainData, TrainEvents, TrainOptions } from './trainer.js';

/** Labels of a batch in the order of its images; -1 where the data set has none (the model's unlabelled slot). */
function gatherLabels(d: Dataset, order: ArrayLike<number>, start: number, end: number): Int32Array {
  const out = new Int32Array(end - start).fill(-1);
  if (d.labels) for (let i = start; i < end; i++) out[i - start] = d.labels[order[i]];
  return out;
}

/**
 * One step on one batch: the gradient of the batch mean of the step's `total` with respect to the step's
 * parameters only, then its optimizer's update. Returns the batch mean of `total`; a non-finite loss is
 * thrown before anything is applied.
 */
export function takeTrainingStep(step: TrainingStep, variables: tf.Variable[], adam: Adam, x: Float32Array, labels: Int32Array, rows: number, dim: number, rng: Rng, where: string): number {
  let mean: tf.Scalar | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const terms = step.loss({ x: tf.tensor2d(x, [rows, dim]), labels: tf.tensor1d(labels, 'int32') }, { beta: 1, numSamples: 1, rng });
    mean = tf.keep(tf.mean(terms.total) as tf.Scalar);
    return mean;
  }, variables);
  const loss = (mean as unknown as tf.Scalar).dataSync()[0];
  tf.dispose([value, mean as unknown as tf.Scalar]);
  if (!Number.isFinite(loss)) {
    tf.dispose(grads);
    throw new DivergedError(`the loss of the "${step.name}" step became ${loss} at ${where}; the step was not applied.`, 'Try a lower --lr.');
  }
  adam.apply(grads);
  tf.dispose(grads);
  return loss;
}

/**
 * The trainer of kinds declared `trainer: 'multistep'`: on every batch, runs the steps the model declares,
 * in order, each with its own optimizer over its own parameters (for the AAE: reconstruction, discriminator,
 * generator; Makhzani et al. 2015, sec. 2). Batches, binarization and shuffling are drawn as in the standard
 * trainer; step i of global step t draws its randomness (eps, prior samples) from (seed, Stream.eps, t, i), so a
 * resumed run is bit-identical. Each step's loss is logged under the step's name; `total` is the first step's
 * loss, the model's objective. `optimizer` must be the StepOptimizers that createRun makes for such a model.
 */
export async function trainSteps(model: Model, optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents = {}, options: TrainOptions = {}): Promise<'finished' | 'stopped'> {
  if (!isMultiStepModel(model)) throw new Error(`a ${model.kind} model is declared to train by steps, but declares none`);
  if (!(optimizer instanceof StepOptimizers)) throw new Error(`a multi-step model needs one optimizer per step (a StepOptimizers, as createRun makes), not a single Adam`);
  const optimizers = optimizer;
  options.onEngine?.('portable');
  return trainWith(model, optimizers, data, config, state, events);
}

async function trainWith(model: MultiStepModel, optimizers: StepOptimizers, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents): Promise<'finished' | 'stopped'> {
  const { train: tc, data: dc } = config;
  const { seed, batchSize } = tc;
  const n = data.train.count;
  const dim = imageSize(data.train);
  const batches = Math.ceil(n / batchSize);
  const buffer = new Float32Array(batchSize * dim);
  const steps = model.trainingSteps;
  const variables = steps.map((s) => s.params.map((name) => model.params.get(name)));
  const adams = steps.map((s) => optimizers.get(s.name));
  const clock = new StepClock();

  while (state.epoch < tc.epochs) {
    const order = permutation(n, new Rng(seed, Stream.shuffle, state.epoch));
    optimizers.setLearningRate(learningRate(tc, state.epoch + 1));
    clock.startEpoch();
    while (state.batch < batches) {
      const start = state.batch * batchSize;
      const end = Math.min(start + batchSize, n);
      const rows = end - start;
      const x = gatherBatch(data.train, order, start, end, buffer.subarray(0, rows * dim));
      if (dc.binarize === 'dynamic') binarizeInPlace(x, new Rng(seed, Stream.binarize, state.epoch, state.batch));
      const labels = gatherLabels(data.train, order, start, end);
      const where = `epoch ${state.epoch + 1}, batch ${state.batch + 1} (step ${state.step + 1})`;
      const losses = steps.map((step, i) => takeTrainingStep(step, variables[i], adams[i], x, labels, rows, dim, new Rng(seed, Stream.eps, state.step, i), where));

      // `total` is the first step's loss (the reconstruction): what validation and best.ckpt go by.
      recordStep(state, ['total', ...steps.map((st) => st.name)], [losses[0], ...losses], rows);
      optimizers.step += 1;
      if (await clock.afterStep(state, events, { batches, done: end, total: n, beta: 1 })) return 'stopped';
    }

    const validationStart = Date.now();
    const val = data.val ? evaluateLoss(model, data.val, { batchSize: 500, numSamples: 1, seed }) : undefined;
    const record: EpochRecord = { epoch: state.epoch + 1, beta: 1, train: runningMeans(state.partial.sums, state.partial.count), val, seconds: state.partial.seconds + (Date.now() - validationStart) / 1000 };
    state.history.push(record);
    const score = (val ?? record.train).total;
    if (state.best === null || score < state.best.total) state.best = { epoch: record.epoch, total: score };
    state.epoch += 1;
    state.batch = 0;
    state.partial = { sums: {}, count: 0, seconds: 0 };
    await events.onEpochEnd?.(record, state);
    if (events.shouldStop?.() && state.epoch < tc.epochs) return 'stopped';
  }
  return 'finished';
}
