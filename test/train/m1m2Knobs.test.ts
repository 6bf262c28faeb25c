/**
 * M1+M2's settings from Kingma et al.'s code: M1's active units as M2's features (--feature-min-std) and a batch
 * size of its own for stage 1 (--m1-batch-size). Each off by default, leaving the model and its training as they
 * were; each resumed exactly.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, RunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { validationSize } from '../../src/data/prepare.js';
import { limit, splitValidation } from '../../src/data/transforms.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, Run, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { activeUnits, FEATURE_MASK, M1M2 } from '../../src/models/m1m2.js';
import { loadDataset } from '../../src/node/datasets.js';
import { Rng } from '../../src/rng.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertClose, useTestBackend } from '../helpers/engine.js';
import { trainRun } from '../helpers/train.js';

let mnist: Dataset;

before(async () => {
  await useTestBackend();
  mnist = limit((await loadDataset({ data: 'mnist' })).train, 1200);
});

const MODEL = { kind: 'm1m2', labelled: 100, labelledBatch: 20, m1Latent: 6, m1Hidden: [24], m1Epochs: 1, latentDim: 3, hidden: [12], classifierHidden: [12], activation: 'relu' };

function config(model: Record<string, unknown>, epochs: number): RunConfig {
  return resolveRunConfig([{ source: 'test', values: { model: { ...MODEL, ...model }, train: { epochs, batchSize: 250, lr: 3e-3 }, data: { valSize: 200 } } }]);
}

const prepared = (c: RunConfig) => splitValidation(mnist, validationSize(c.data, mnist.count), c.train.seed);

/** Trains `c` to the end, stopping after each step in `stops` and resuming from a checkpoint round trip. */
async function trainWithStops(c: RunConfig, stops: number[]): Promise<Run> {
  const data = prepared(c);
  let run = createRun(c, [28, 28, 1], initialTrainState());
  for (;;) {
    const stopAt = stops.find((s) => s > run.state.step);
    const status = await trainRun(run, data, c, { shouldStop: () => stopAt !== undefined && run.state.step >= stopAt });
    if (status === 'finished') return run;
    const bytes = encodeCheckpoint(runToCheckpoint(run));
    disposeRun(run);
    run = runFromCheckpoint(decodeCheckpoint(bytes, 'memory'), 'memory');
  }
}

test('activeUnits: a column is kept when its population standard deviation exceeds the threshold', () => {
  // Columns: constant; std 0.05; std 0.2; std 0.15 (two rows, each value the mean +- the std).
  const rows = [
    [3, 0.45, -0.2, 1.15],
    [3, 0.55, 0.2, 0.85],
  ];
  assert.deepEqual(Array.from(activeUnits(rows.flat(), 2, 4, 0.1)), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(activeUnits(rows.flat(), 2, 4, 0.17)), [0, 0, 1, 0]);
  assert.deepEqual(Array.from(activeUnits(rows.flat(), 2, 4, 0)), [0, 1, 1, 1]);
});

test('--feature-min-std: off by default (no mask parameter); on, stage 2 starts by holding M1\'s inactive units at 0 for M2', async () => {
  assert.ok(!createRun(config({}, 2), [28, 28, 1], initialTrainState()).model.params.names().includes(FEATURE_MASK));
  // A threshold between the units' spreads after one M1 epoch, so that some are kept and some dropped.
  const probe = await trainWithStops(config({ featureMinStd: 1e-9 }, 2), []);
  const model = probe.model as M1M2;
  const x = tf.tensor2d(prepared(probe.config).train.images.subarray(0, 300 * 784), [300, 784]).div(255) as tf.Tensor2D;
  const spread = tf.tidy(() => Array.from(tf.moments(model.first.encodeMean(x), 0).variance.sqrt().dataSync()));
  const threshold = [...spread].sort((a, b) => a - b)[2];
  disposeRun(probe);

  const run = await trainWithStops(config({ featureMinStd: threshold }, 2), []);
  const m = run.model as M1M2;
  const mask = Array.from(run.model.params.get(FEATURE_MASK).dataSync());
  assert.ok(mask.every((v) => v === 0 || v === 1));
  assert.ok(m.activeFeatures >= 1 && m.activeFeatures <= 3, `kept ${m.activeFeatures} of 6 (spreads ${spread.map((s) => s.toFixed(3))}, threshold ${threshold})`);
  const features = tf.tidy(() => m.features(x.slice(0, 20), new Rng(1, 2)).arraySync());
  for (const row of features) row.forEach((v, j) => assert.ok(mask[j] === 1 || v === 0, `dropped unit ${j} reads ${v}`));
  // The classifier's weights from a dropped unit get no gradient, so stage 2 leaves them as initialized.
  const initial = createRun(config({ featureMinStd: threshold }, 2), [28, 28, 1], initialTrainState());
  const [w0, w1] = ['m2/classifier.0.w', 'm2/classifier.0.w'].map((n, i) => (i === 0 ? initial : run).model.params.get(n).arraySync() as number[][]);
  mask.forEach((v, j) => assert.equal(w0[j].every((w, k) => w === w1[j][k]), v === 0, `unit ${j} (mask ${v}): weights unchanged iff dropped`));
  disposeRun(initial);

  // Resumed mid-stage-1, at the boundary and mid-stage-2: the same mask and weights.
  const resumed = await trainWithStops(config({ featureMinStd: threshold }, 2), [2, 4, 6]);
  for (const [name, values] of run.model.params.snapshot()) assertClose(resumed.model.params.snapshot().get(name)!, values, 0, 0, name);
  tf.dispose(x);
  disposeRun(run);
  disposeRun(resumed);
});

test('--m1-batch-size: stage 1 takes its own batches, stage 2 the run\'s, and resuming inside stage 1 is exact', async () => {
  // 1,000 training images: 4 steps per epoch at the run's 250, 10 at 100.
  const shared = await trainWithStops(config({}, 2), []);
  assert.equal(shared.state.step, 8);
  const own = await trainWithStops(config({ m1BatchSize: 100 }, 2), []);
  assert.equal(own.state.step, 14);
  assert.equal(own.optimizer.step, 4, 'stage 2 counts its own Adam steps at the run\'s batch size');
  const resumed = await trainWithStops(config({ m1BatchSize: 100 }, 2), [3, 10, 12]);
  for (const [name, values] of own.model.params.snapshot()) assertClose(resumed.model.params.snapshot().get(name)!, values, 0, 0, name);
  for (const r of [shared, own, resumed]) disposeRun(r);
});
