import { klWeight, learningRate, RunConfig } from '../config/run.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { balancedLabelSplit, gatherLabels, LabelSplit } from '../data/labelSplit.js';
import { binarizeInPlace, gatherBatch } from '../data/transforms.js';
import { classificationError } from '../eval/classification.js';
import { isSemiSupervisedModel, LabelSettings, SemiSupervisedModel } from '../models/labelled.js';
import { Model } from '../models/types.js';
import { permutation, Rng, Stream } from '../rng.js';
import { Adam } from './adam.js';
import { closeEpoch, divergence, recordStep, StepClock } from './loop.js';
import { createSemiSupervisedEngine, SemiSupervisedStepEngine } from './semiSupervisedEngine.js';
import { TrainState } from './state.js';
import { TrainData, TrainEvents, TrainOptions } from './trainer.js';

/** The label settings of a run's model config (kinds declared 'semi-supervised' carry them). */
export function labelSettings(config: RunConfig): LabelSettings {
  const m = config.model as Partial<LabelSettings>;
  if (typeof m.labelled !== 'number' || typeof m.labelledBatch !== 'number') {
    throw new Error(`model kind ${config.model.kind} is declared semi-supervised but its config has no "labelled" and "labelledBatch"`);
  }
  return { labelled: m.labelled, labelledBatch: m.labelledBatch };
}

/** The labelled / unlabelled split a run trains on, from its config: the same for the same seed. */
export function runLabelSplit(train: Dataset, config: RunConfig, numClasses: number): LabelSplit {
  return balancedLabelSplit(train, labelSettings(config).labelled, numClasses, config.train.seed);
}

/**
 * The labelled examples of batch `b`: positions [b * size, (b + 1) * size) of an endless sequence of passes
 * over the labelled set, pass c in the order `permutation(count, new Rng(seed, Stream.labelledOrder, c))`.
 * Addressed by position alone, so a resumed run draws the same examples.
 */
class LabelledStream {
  private pass = -1;
  private order: Uint32Array = new Uint32Array(0);

  constructor(private readonly indices: Uint32Array, private readonly seed: number) {}

  take(position: number, size: number): Uint32Array {
    const n = this.indices.length;
    const out = new Uint32Array(size);
    for (let k = 0; k < size; k++) {
      const p = position + k;
      const pass = Math.floor(p / n);
      if (pass !== this.pass) {
        this.order = permutation(n, new Rng(this.seed, Stream.labelledOrder, pass));
        this.pass = pass;
      }
      out[k] = this.indices[this.order[p - pass * n]];
    }
    return out;
  }
}

/**
 * The trainer of kinds declared `trainer: 'semi-supervised'` (M2, and M1+M2's second stage): every step takes
 * `batchSize` unlabelled images (a per-epoch shuffle of the images without labels) and `labelledBatch`
 * labelled ones (an endless shuffled stream over the balanced labelled set), and an Adam step on the model's
 * `semiSupervisedLoss`, which weighs the two parts by the sizes of the two sets. Validation is the error of
 * q(y|x) on the validation images, which also picks the best epoch (model selection as in Kingma et al. 2014).
 * Every random draw is addressed by (seed, stream, epoch, batch, step), so resuming is exact.
 */
export async function trainSemiSupervised(model: Model, optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents = {}, options: TrainOptions = {}): Promise<'finished' | 'stopped'> {
  if (!isSemiSupervisedModel(model)) throw new Error(`a ${model.kind} model is declared semi-supervised, but has no semiSupervisedLoss()`);
  const engine = createSemiSupervisedEngine(model, optimizer, options.kernels);
  options.onEngine?.(engine.path);
  try {
    return await semiSupervisedLoop(engine, optimizer, model, data, config, state, events);
  } finally {
    // The model and optimizer end up holding the state reached, however training ended.
    engine.sync();
    engine.dispose();
  }
}

async function semiSupervisedLoop(engine: SemiSupervisedStepEngine, optimizer: Adam, model: SemiSupervisedModel, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents): Promise<'finished' | 'stopped'> {
  const { train: tc, data: dc } = config;
  const { seed, batchSize } = tc;
  const dim = imageSize(data.train);
  const split = runLabelSplit(data.train, config, model.numClasses);
  const counts = { labelled: split.labelled.length, unlabelled: split.unlabelled.length };
  const allLabelled = counts.unlabelled === 0;
  // With every image labelled, the labelled stream is the epoch's pass, in full batches.
  const labelledSize = allLabelled ? batchSize : Math.min(labelSettings(config).labelledBatch, counts.labelled);
  const passSize = allLabelled ? counts.labelled : counts.unlabelled;
  const batches = Math.ceil(passSize / batchSize);
  const labelledStream = new LabelledStream(split.labelled, seed);
  const clock = new StepClock();

  while (state.epoch < tc.epochs) {
    const order = allLabelled ? null : permutation(counts.unlabelled, new Rng(seed, Stream.shuffle, state.epoch));
    optimizer.setLearningRate(learningRate(tc, state.epoch + 1));
    clock.startEpoch();
    while (state.batch < batches) {
      const start = state.batch * batchSize;
      const end = Math.min(start + batchSize, passSize);
      let xu: Float32Array | null = null;
      if (order) {
        const indices = order.subarray(start, end).map((i) => split.unlabelled[i]);
        xu = gatherBatch(data.train, indices, 0, indices.length);
        if (dc.binarize === 'dynamic') binarizeInPlace(xu, new Rng(seed, Stream.binarize, state.epoch, state.batch));
      }
      const rowsL = allLabelled ? end - start : labelledSize;
      const labelledIdx = labelledStream.take((state.epoch * batches + state.batch) * labelledSize, rowsL);
      const xl = gatherBatch(data.train, labelledIdx, 0, rowsL);
      if (dc.binarize === 'dynamic') binarizeInPlace(xl, new Rng(seed, Stream.labelledBinarize, state.epoch, state.batch));
      const yl = gatherLabels(data.train, labelledIdx, 0, rowsL);
      const beta = klWeight(tc, state.epoch + (state.batch + 1) / batches);
      const rng = new Rng(seed, Stream.eps, state.step);

      const batch = { dim, xl, yl, rowsL, xu, rowsU: xu ? end - start : 0 };
      const { names, values } = engine.gradients(batch, counts, { beta, numSamples: tc.numSamples, rng });
      const diverged = divergence(names, values, state);
      if (diverged) {
        engine.discard();
        throw diverged;
      }
      engine.apply();
      recordStep(state, names, values, end - start);
      if (await clock.afterStep(state, events, { batches, done: end, total: passSize, beta })) return 'stopped';
    }

    const validationStart = Date.now();
    engine.sync();
    const val = data.val ? { error: classificationError(model, data.val) } : undefined;
    await closeEpoch(state, tc, val, (r) => r.val?.error ?? r.train.total, (Date.now() - validationStart) / 1000, events);
    if (events.shouldStop?.() && state.epoch < tc.epochs) return 'stopped';
  }
  return 'finished';
}
