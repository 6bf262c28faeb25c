/** Every model kind through the same run machinery: train, checkpoint, load, evaluate, resume. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, RunConfig } from '../../src/config/run.js';
import { prepareTestData, prepareTrainingData, PreparedData } from '../../src/data/prepare.js';
import { Dataset } from '../../src/data/dataset.js';
import { limit } from '../../src/data/transforms.js';
import { evaluateLoss } from '../../src/eval/elbo.js';
import { reconstructionError } from '../../src/eval/reconstruction.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { MODEL_KINDS } from '../../src/models/registry.js';
import { isCodeModel } from '../../src/models/types.js';
import { loadDataset } from '../../src/node/datasets.js';
import { trainRun } from '../helpers/train.js';
import { initialTrainState } from '../../src/train/state.js';
import { useTestBackend } from '../helpers/engine.js';

let data: PreparedData;
let test500: Dataset;

function config(model: Record<string, unknown>, train: Record<string, unknown> = {}): RunConfig {
  return resolveRunConfig([{ source: 'test', values: { model: { latentDim: 3, ...model }, train: { batchSize: 50, epochs: 2, ...train }, data: { limit: 1000, valSize: 200 } } }]);
}

const SMALL: Record<string, Record<string, unknown>> = {
  vae: { kind: 'vae', hidden: [32] },
  ae: { kind: 'ae', hidden: [32] },
  dae: { kind: 'dae', hidden: [32] },
  cae: { kind: 'cae', hidden: [32] },
  pca: { kind: 'pca' },
  aae: { kind: 'aae', hidden: [32], discHidden: [16], prior: 'mixture' },
};

before(async () => {
  await useTestBackend();
  const loaded = await loadDataset({ data: 'mnist' });
  data = prepareTrainingData(loaded, config({}).data, 0);
  test500 = prepareTestData(limit(loaded.test, 500), config({}).data, 0);
});

test('vae, ae, dae, cae and pca each train through the trainer it declares, then saves, loads and evaluates to the same figures', async () => {
  for (const kind of Object.keys(SMALL)) assert.ok(kind in MODEL_KINDS, `${kind} is not registered`);
  for (const [kind, model] of Object.entries(SMALL)) {
    const cfg = config(model);
    const run = createRun(cfg, data.train.shape, initialTrainState());
    const untrained = isCodeModel(run.model) ? reconstructionError(run.model, test500) : undefined;
    assert.equal(await trainRun(run, data, cfg), 'finished', kind);
    assert.equal(run.state.epoch, 2, kind);
    assert.ok(Number.isFinite(run.state.history.at(-1)!.val!.total), kind);
    const copy = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'memory'), 'memory');
    assert.deepEqual(copy.config, run.config, kind);
    assert.ok(isCodeModel(run.model) && isCodeModel(copy.model), `${kind} has no code`);
    const a = reconstructionError(run.model, test500);
    assert.deepEqual(reconstructionError(copy.model, test500), a, kind);
    assert.deepEqual(evaluateLoss(copy.model, test500), evaluateLoss(run.model, test500), kind);
    assert.ok(a.squaredError < untrained!.squaredError, `${kind}: training did not lower the test error (${untrained!.squaredError} -> ${a.squaredError})`);
    assert.equal(run.model.prior, kind === 'vae' ? 'standard-normal' : null, kind);
    disposeRun(run);
    disposeRun(copy);
  }
});

test('PCA reports its explained variance in the history', async () => {
  const cfg = config(SMALL.pca);
  const run = createRun(cfg, data.train.shape, initialTrainState());
  await trainRun(run, data, cfg);
  const explained = run.state.history[0].train.explainedVariance;
  assert.ok(explained > 0.1 && explained < 1, `explained variance ${explained}`);
  assert.equal(run.optimizer.step, 0, 'a fit takes no optimizer step');
  disposeRun(run);
});

test('a DAE and a stochastic CAE stopped mid-epoch and resumed end exactly where an uninterrupted run ends', async () => {
  for (const model of [SMALL.dae, { ...SMALL.cae, contractive: 'stochastic' }]) {
    const cfg = config(model);
    const straight = createRun(cfg, data.train.shape, initialTrainState());
    await trainRun(straight, data, cfg);
    const first = createRun(cfg, data.train.shape, initialTrainState());
    assert.equal(await trainRun(first, data, cfg, { shouldStop: () => first.state.step === 21 }), 'stopped');
    const resumed = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(first)), 'memory'), 'memory');
    disposeRun(first);
    await trainRun(resumed, data, resumed.config);
    assert.deepEqual(resumed.state.history.map((h) => [h.train, h.val]), straight.state.history.map((h) => [h.train, h.val]), String(model.kind));
    assert.deepEqual(resumed.model.params.snapshot(), straight.model.params.snapshot());
    disposeRun(straight);
    disposeRun(resumed);
  }
});
