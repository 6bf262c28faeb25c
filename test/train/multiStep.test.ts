import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, RunConfig } from '../../src/config/run.js';
import { prepareTrainingData, PreparedData } from '../../src/data/prepare.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { Batch, LossOptions, LossTerms, MultiStepModel } from '../../src/models/types.js';
import { ParamStore } from '../../src/nn/params.js';
import { loadDataset } from '../../src/node/datasets.js';
import { trainRun } from '../helpers/train.js';
import { initialTrainState } from '../../src/train/state.js';
import { multiStep } from '../../src/train/multiStep.js';
import { StepOptimizers } from '../../src/train/stepOptimizers.js';
import { assertClose, useTestBackend } from '../helpers/engine.js';

let data: PreparedData;

function config(train: Record<string, unknown> = {}, model: Record<string, unknown> = {}): RunConfig {
  return resolveRunConfig([{ source: 'test', values: { model: { kind: 'aae', hidden: [32], discHidden: [16], prior: 'mixture', labels: true, ...model }, train: { batchSize: 100, epochs: 2, ...train }, data: { limit: 1200, valSize: 200 } } }]);
}

before(async () => {
  await useTestBackend();
  data = prepareTrainingData(await loadDataset({ data: 'mnist' }), config().data, 0);
});

test('a short AAE training on real MNIST lowers the reconstruction loss and logs recon, disc and gen per epoch', async () => {
  const cfg = config({ epochs: 3 });
  const run = createRun(cfg, data.train.shape, initialTrainState());
  const seen: string[][] = [];
  const status = await trainRun(run, data, cfg, { onStep: (s) => seen.push(Object.keys(s.running)) });
  assert.equal(status, 'finished');
  assert.deepEqual(seen[0], ['total', 'recon', 'disc', 'gen']);
  const [first, , last] = run.state.history;
  for (const r of run.state.history) {
    assert.deepEqual(Object.keys(r.train), ['total', 'recon', 'disc', 'gen']);
    assert.deepEqual(Object.keys(r.val!), ['total', 'recon', 'disc', 'gen']);
    assert.ok(r.train.disc > 0 && r.train.gen > 0, JSON.stringify(r.train));
  }
  assert.ok(last.train.recon < first.train.recon - 10, `recon ${first.train.recon} -> ${last.train.recon}`);
  assert.deepEqual((run.optimizer as StepOptimizers).steps(), { recon: 30, disc: 30, gen: 30 });
  assert.ok(run.optimizer instanceof StepOptimizers);
  assert.equal(run.optimizer.step, 30, 'the bundle counts batches');
  disposeRun(run);
});

test('a checkpoint round trip keeps all three networks and all three optimizers; a resumed run ends where an uninterrupted one ends', async () => {
  const cfg = config({ epochs: 2 }, { stochasticEncoder: true });
  const straight = createRun(cfg, data.train.shape, initialTrainState());
  const before = tf.memory().numTensors;
  await trainRun(straight, data, cfg, {});
  assert.equal(tf.memory().numTensors, before, 'training leaked tensors');

  const first = createRun(cfg, data.train.shape, initialTrainState());
  assert.equal(await trainRun(first, data, cfg, { shouldStop: () => first.state.step === 13 }), 'stopped');
  const bytes = encodeCheckpoint(runToCheckpoint(first));
  const copy = runFromCheckpoint(decodeCheckpoint(bytes, 'memory'), 'memory');
  assert.deepEqual(copy.model.params.snapshot(), first.model.params.snapshot());
  const nets = new Set([...copy.model.params.names()].map((n) => n.split('.')[0]));
  assert.deepEqual([...nets], ['encoder', 'decoder', 'discriminator']);
  const moments = copy.optimizer.stateTensors();
  assert.deepEqual(moments, first.optimizer.stateTensors());
  assert.deepEqual((copy.optimizer as StepOptimizers).steps(), { recon: 13, disc: 13, gen: 13 });
  for (const step of ['recon', 'disc', 'gen']) {
    const own = [...moments.keys()].filter((k) => k.startsWith(`opt/${step}/adam.m/`));
    assert.ok(own.length > 0 && own.every((k) => moments.get(k)!.some((v) => v !== 0)), `moments of ${step}`);
  }
  disposeRun(first);

  assert.equal(await trainRun(copy, data, copy.config, {}), 'finished');
  assert.deepEqual(copy.state.history.map((h) => h.train), straight.state.history.map((h) => h.train));
  const a = straight.model.params.snapshot();
  for (const [name, v] of copy.model.params.snapshot()) assertClose(v, a.get(name)!, 0, 0, name);
  disposeRun(straight);
  disposeRun(copy);
});

/** A model of another kind with two declared steps on two scalars: the trainer runs whatever a model declares. */
class TwoScalars implements MultiStepModel {
  readonly kind = 'two-scalars';
  readonly params = new ParamStore();
  readonly order: string[] = [];
  readonly trainingSteps;
  constructor() {
    this.params.add('a', tf.scalar(0));
    this.params.add('b', tf.scalar(0));
    const squared = (name: string, target: number) => (batch: Batch): LossTerms => {
      this.order.push(name);
      return tf.tidy(() => {
        const v = tf.sub(this.params.get(name), target);
        return { total: tf.mul(tf.ones([batch.x.shape[0]]), tf.square(v)) as tf.Tensor1D };
      });
    };
    this.trainingSteps = [
      { name: 'first', params: ['a'], loss: squared('a', 1) },
      { name: 'second', params: ['b'], loss: squared('b', -1) },
    ];
  }
  lossTerms(batch: Batch, _opts: LossOptions): LossTerms {
    return this.trainingSteps[0].loss(batch);
  }
  dispose(): void {
    this.params.dispose();
  }
}

test('the multi-step regime runs whatever steps a model of any kind declares, in order, each with its optimizer', async () => {
  const model = new TwoScalars();
  const optimizers = new StepOptimizers(model.params, model.trainingSteps, { lr: 1 });
  const cfg = config({ epochs: 4, lr: 0.05 }); // the trainer sets every step's rate from the config, each epoch
  const state = initialTrainState();
  await multiStep.train(model, { optimizer: optimizers, state, data: { train: data.train }, train: cfg.train, binarize: cfg.data.binarize === 'dynamic', events: {}, onEngine: () => {} });
  assert.deepEqual(model.order.slice(0, 4), ['a', 'b', 'a', 'b']);
  assert.ok(Math.abs(model.params.get('a').dataSync()[0] - 1) < 0.2 && Math.abs(model.params.get('b').dataSync()[0] + 1) < 0.2, 'both scalars should approach their targets');
  assert.deepEqual(Object.keys(state.history[0].train), ['total', 'first', 'second']);
  assert.throws(() => optimizers.apply(), /optimizer of each step/);
  optimizers.dispose();
  model.dispose();
});
