import * as tf from '@tensorflow/tfjs';
import { batchesInOrder } from '../data/batches.js';
import { imageSize } from '../data/dataset.js';
import { evaluateLoss } from '../eval/elbo.js';
import { FittedModel } from '../models/pca.js';
import { Rng, Stream } from '../rng.js';
import { closeEpoch } from './loop.js';
import { EpochRecord } from './state.js';
import { inMemory, StepStrategy } from './strategy.js';

/** Rows per product when a fit streams the training set: large enough for fast matrix products. */
const FIT_BATCH = 1000;

/**
 * A closed-form fit (PCA) on the training set, seen once, binarized as the first epoch of a gradient-trained
 * run would see it. A fit does in one pass what the epochs would, so the run is recorded as one history entry
 * at the last epoch and counts as finished, and training runs, checkpoints and resumes like any other. The
 * optimizer is not used.
 */
export const closedFormFit: StepStrategy<FittedModel> = {
  offersFusedEngine: () => false,
  async train(model, ctx) {
    const { state, data, events } = ctx;
    const { epochs, seed } = ctx.train;
    if (state.epoch >= epochs) return 'finished';
    ctx.onEngine('portable');
    const train = inMemory(data.train, model.kind);
    const n = train.count;
    const dim = imageSize(train);
    const batches = Math.ceil(n / FIT_BATCH);
    const started = Date.now();
    const pass = () => batchesInOrder(train, { batchSize: FIT_BATCH, seed, binarize: ctx.binarize });
    function* reported(): Generator<Float32Array> {
      for (const { x, done, b } of pass()) {
        yield x;
        events.onStep?.({ epoch: epochs, batch: b + 1, batches, step: 0, done, total: n, running: {}, beta: 1 });
      }
    }
    const report = model.fit(reported());
    // The loss terms of the fitted model on the very images it was fitted to.
    const sums: Record<string, number> = {};
    for (const { x } of pass()) {
      const values = tf.tidy(() => {
        const terms = model.lossTerms({ x: tf.tensor2d(x, [x.length / dim, dim]) }, { beta: 1, numSamples: 1, rng: new Rng(seed, Stream.evalEps) });
        return Object.entries(terms).map(([k, t]) => [k, tf.sum(t).dataSync()[0]] as const);
      });
      for (const [k, v] of values) sums[k] = (sums[k] ?? 0) + v / n;
    }
    const val = data.val ? evaluateLoss(model, data.val, { seed }) : undefined;
    const record: EpochRecord = { epoch: epochs, beta: 1, train: { ...sums, ...report }, val, seconds: (Date.now() - started) / 1000 };
    state.best = null;
    await closeEpoch(state, record, val?.total ?? sums.total, events);
    return 'finished';
  },
};
