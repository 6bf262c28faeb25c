import { klWeight, learningRate, RunConfig } from '../config/run.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch } from '../data/transforms.js';
import { evaluateLoss } from '../eval/elbo.js';
import { Model } from '../models/types.js';
import { permutation, Rng, Stream } from '../rng.js';
import { Kernels } from '../fastpath/kernels.js';
import { Adam } from './adam.js';
import { createStepEngine, StepEngine } from './engine.js';
import { closeEpoch, divergence, recordStep, StepClock } from './loop.js';
import { TrainState } from './state.js';
import type { TrainEvents } from './events.js';

export { DivergedError } from './loop.js';

export type { StepInfo, TrainEvents } from './events.js';

/** How to train, beyond the run's config. */
export interface TrainOptions {
  /** Kernels of a fast path (src/node/native.ts in Node); without them, or for models it cannot run, tfjs. */
  kernels?: Kernels | null;
  /** Told which path the steps take: 'native' or 'portable'. */
  onEngine?(path: StepEngine['path']): void;
}

export interface TrainData {
  train: Dataset;
  /** Validation images, already binarized as the run asks. */
  val?: Dataset;
}

/**
 * The generic training loop for models trained on one objective: shuffles with a per-epoch stream,
 * binarizes each batch with its own stream when asked, draws eps from a per-step stream, and takes Adam
 * steps on the batch mean of `total`. All randomness is addressed by (seed, epoch, batch, step), so a run
 * resumed from any step draws exactly what it would have drawn. Returns 'stopped' if `shouldStop` ended it.
 */
export async function train(model: Model, optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents = {}, options: TrainOptions = {}): Promise<'finished' | 'stopped'> {
  const engine = createStepEngine(model, optimizer, imageSize(data.train), options.kernels);
  options.onEngine?.(engine.path);
  try {
    return await trainWith(engine, optimizer, model, data, config, state, events, options.kernels ?? null);
  } finally {
    // The model and optimizer end up holding the state reached, however training ended.
    engine.sync();
    engine.dispose();
  }
}

async function trainWith(engine: StepEngine, optimizer: Adam, model: Model, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents, kernels: Kernels | null): Promise<'finished' | 'stopped'> {
  const { train: tc, data: dc } = config;
  const { seed, batchSize } = tc;
  const n = data.train.count;
  const dim = imageSize(data.train);
  const batches = Math.ceil(n / batchSize);
  const buffer = new Float32Array(batchSize * dim);
  const clock = new StepClock();

  while (state.epoch < tc.epochs) {
    const order = permutation(n, new Rng(seed, Stream.shuffle, state.epoch));
    optimizer.setLearningRate(learningRate(tc, state.epoch + 1));
    clock.startEpoch();
    while (state.batch < batches) {
      const start = state.batch * batchSize;
      const end = Math.min(start + batchSize, n);
      const rows = end - start;
      const x = gatherBatch(data.train, order, start, end, buffer.subarray(0, rows * dim));
      if (dc.binarize === 'dynamic') engine.binarize(x, new Rng(seed, Stream.binarize, state.epoch, state.batch));
      const beta = klWeight(tc, state.epoch + (state.batch + 1) / batches);
      const rng = new Rng(seed, Stream.eps, state.step);

      const { names, values } = engine.gradients(x, rows, { beta, numSamples: tc.numSamples, rng });
      const diverged = divergence(names, values, state, 'Try a lower --lr, or --warmup-epochs.');
      if (diverged) {
        engine.discard();
        throw diverged;
      }
      engine.apply();

      recordStep(state, names, values, rows);
      if (await clock.afterStep(state, events, { batches, done: end, total: n, beta })) return 'stopped';
    }

    const validationStart = Date.now();
    engine.sync();
    const val = data.val ? evaluateLoss(model, data.val, { batchSize: 500, numSamples: tc.numSamples, seed, kernels }) : undefined;
    await closeEpoch(state, tc, val, (r) => (r.val ?? r.train).total, (Date.now() - validationStart) / 1000, events);
    if (events.shouldStop?.() && state.epoch < tc.epochs) return 'stopped';
  }
  return 'finished';
}
