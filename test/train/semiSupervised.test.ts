/**
 * The label-aware trainers: the balanced split, M2 learning to classify, exact resume, M1+M2's two stages, conv M2
 * on real MNIST, and checkpoints from before M2 took --net.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, resumeConflict, RunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { balancedLabelSplit } from '../../src/data/labelSplit.js';
import { validationSize } from '../../src/data/prepare.js';
import { limit, splitValidation } from '../../src/data/transforms.js';
import { classificationError } from '../../src/eval/classification.js';
import { sslMarkdown, sslRows } from '../../src/eval/sslTable.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, Run, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { ConditionalCodeModel, isClassifier, SemiSupervisedModel } from '../../src/models/labelled.js';
import { loadDataset } from '../../src/node/datasets.js';
import { trainRun } from '../helpers/train.js';
import { Rng } from '../../src/rng.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertClose, useTestBackend } from '../helpers/engine.js';

let mnist: { train: Dataset; test: Dataset };

before(async () => {
  await useTestBackend();
  const loaded = await loadDataset({ data: 'mnist' });
  mnist = { train: limit(loaded.train, 1200), test: limit(loaded.test, 500) };
});

/** A data set whose image i holds i in its first two pixels, so subsets can be traced back. */
function taggedDataset(count: number): Dataset {
  const images = new Uint8Array(count * 4);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images[i * 4] = i % 256;
    images[i * 4 + 1] = Math.floor(i / 256);
    labels[i] = (i * 7) % 10;
  }
  return { name: 'tagged', images, labels, count, shape: [2, 2, 1] };
}

const tagOf = (d: Dataset, k: number) => d.images[k * 4] + 256 * d.images[k * 4 + 1];

test('balanced labelled split: exactly N/10 per class, never in the validation set, reproducible from the seed', () => {
  const all = taggedDataset(1500);
  for (const seed of [0, 1]) {
    const { train, val } = splitValidation(all, 300, seed);
    const split = balancedLabelSplit(train, 100, 10, seed);
    const perClass = new Array(10).fill(0);
    for (const i of split.labelled) perClass[train.labels![i]]++;
    assert.deepEqual(perClass, new Array(10).fill(10));
    const valTags = new Set(Array.from({ length: val!.count }, (_, k) => tagOf(val!, k)));
    for (const i of split.labelled) assert.ok(!valTags.has(tagOf(train, i)), `labelled image ${tagOf(train, i)} is also a validation image`);
    assert.equal(split.labelled.length + split.unlabelled.length, train.count);
    assert.equal(new Set([...split.labelled, ...split.unlabelled]).size, train.count);
    assert.deepEqual(balancedLabelSplit(train, 100, 10, seed), split);
  }
  const train = splitValidation(all, 300, 0).train;
  assert.notDeepEqual(balancedLabelSplit(train, 100, 10, 0).labelled, balancedLabelSplit(train, 100, 10, 1).labelled);
  assert.throws(() => balancedLabelSplit(train, 105, 10, 0), /multiple of 10/);
  assert.throws(() => balancedLabelSplit(train, 10000, 10, 0), /fewer than the 1000 labelled per class/);
  assert.equal(balancedLabelSplit(train, 0, 10, 0).unlabelled.length, 0);
});

function config(model: Record<string, unknown>, epochs: number, extra: Record<string, unknown> = {}): RunConfig {
  return resolveRunConfig([{ source: 'test', values: { model, train: { epochs, batchSize: 100, lr: 3e-3, ...extra }, data: { valSize: 200 } } }]);
}

function prepared(c: RunConfig) {
  return splitValidation(mnist.train, validationSize(c.data, mnist.train.count), c.train.seed);
}

test('M2 with every image labelled: the classifier q(y|x) learns (held-out error falls well below chance)', async () => {
  const c = config({ kind: 'm2', labelled: 0, latentDim: 8, hidden: [64], classifierHidden: [64], activation: 'relu' }, 3);
  const data = prepared(c);
  const run = createRun(c, [28, 28, 1], initialTrainState());
  assert.ok(isClassifier(run.model));
  const before = classificationError(run.model, mnist.test);
  await trainRun(run, data, c);
  const after = classificationError(run.model, mnist.test);
  assert.ok(before > 0.7, `error before training ${before}`);
  assert.ok(after < 0.35, `test error after 3 epochs ${after} (before ${before})`);
  assert.equal(run.state.history.length, 3);
  assert.ok(run.state.history.every((r) => typeof r.val?.error === 'number'));
  disposeRun(run);
});

/** Trains `c` to the end, stopping after each step in `stops` and resuming from a checkpoint round trip. */
async function trainWithStops(c: RunConfig, stops: number[]): Promise<{ params: Map<string, Float32Array>; run: Run; history: unknown }> {
  const data = prepared(c);
  let run = createRun(c, [28, 28, 1], initialTrainState());
  for (;;) {
    const stopAt = stops.find((s) => s > run.state.step);
    const status = await trainRun(run, data, c, { shouldStop: () => stopAt !== undefined && run.state.step >= stopAt });
    if (status === 'finished') break;
    const bytes = encodeCheckpoint(runToCheckpoint(run));
    disposeRun(run);
    run = runFromCheckpoint(decodeCheckpoint(bytes, 'memory'), 'memory');
  }
  return { params: run.model.params.snapshot(), run, history: run.state.history.map((r) => ({ ...r, seconds: 0 })) };
}

test('M2 semi-supervised: a run stopped and resumed from checkpoints ends with exactly the same weights and history', async () => {
  const c = config({ kind: 'm2', labelled: 100, labelledBatch: 20, latentDim: 4, hidden: [16], classifierHidden: [16], activation: 'relu' }, 2, { batchSize: 250 });
  const straight = await trainWithStops(c, []);
  const resumed = await trainWithStops(c, [2, 5]);
  assert.equal(straight.run.state.step, 8);
  for (const [name, values] of straight.params) assertClose(resumed.params.get(name)!, values, 0, 0, name);
  assert.deepEqual(resumed.history, straight.history);
  disposeRun(straight.run);
  disposeRun(resumed.run);
});

test('M1+M2: stage 1 moves only M1, stage 2 only M2, and resuming across the stages is exact', async () => {
  const c = config({ kind: 'm1m2', labelled: 100, labelledBatch: 20, m1Latent: 6, m1Hidden: [24], m1Epochs: 1, latentDim: 3, hidden: [12], classifierHidden: [12], activation: 'relu' }, 2, { batchSize: 250 });
  const data = prepared(c);
  const run = createRun(c, [28, 28, 1], initialTrainState());
  const initial = run.model.params.snapshot();
  let afterStage1 = new Map<string, Float32Array>();
  await trainRun(run, data, c, { onEpochEnd: (r) => void (r.epoch === 1 && (afterStage1 = run.model.params.snapshot())) });
  const final = run.model.params.snapshot();
  const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i]);
  for (const [name, v0] of initial) {
    const stage1Moved = !same(v0, afterStage1.get(name)!);
    const stage2Moved = !same(afterStage1.get(name)!, final.get(name)!);
    assert.equal(stage1Moved, name.startsWith('m1/'), `${name} moved in stage 1: ${stage1Moved}`);
    assert.equal(stage2Moved, name.startsWith('m2/'), `${name} moved in stage 2: ${stage2Moved}`);
  }
  assert.equal(run.state.history[0].val?.error, undefined, 'stage 1 is scored by its ELBO');
  assert.equal(typeof run.state.history[1].val?.error, 'number');
  assert.equal(run.state.best?.epoch, 2, 'the best epoch is chosen among stage 2 epochs');
  const resumed = await trainWithStops(c, [2, 4, 5]);
  for (const [name, values] of final) assertClose(resumed.params.get(name)!, values, 0, 0, name);
  assert.equal(resumed.run.optimizer.step, 4, 'stage 2 counts its own Adam steps');
  disposeRun(run);
  disposeRun(resumed.run);
});

test('M1+M2 with a learning-rate step: a run resumed with --lr-steps added for epochs to come equals one trained with it from the start', async () => {
  const model = { kind: 'm1m2', labelled: 100, labelledBatch: 20, m1Latent: 6, m1Hidden: [24], m1Epochs: 1, latentDim: 3, hidden: [12], classifierHidden: [12], activation: 'relu' };
  const scheduled = config(model, 3, { batchSize: 250, lrSteps: [2], lrStepFactor: 0.1 });
  const straight = await trainWithStops(scheduled, []);
  assert.deepEqual(straight.run.state.history.map((r) => r.lr), [3e-3, 3e-3, 3e-3 * 0.1]);

  // Two epochs with a constant rate, then the schedule is set, as `vaekit ssl --lr-steps 2` does on resume.
  const constant = config(model, 2, { batchSize: 250 });
  const firstPart = await trainWithStops(constant, []);
  assert.equal(resumeConflict(firstPart.run.config, scheduled, firstPart.run.state.epoch), null);
  assert.match(resumeConflict(firstPart.run.config, config(model, 3, { batchSize: 250, lrSteps: [1] }), 2) ?? '', /lrSteps \(epoch 2, already trained/);
  const resumed = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(firstPart.run)), 'memory'), 'memory');
  disposeRun(firstPart.run);
  resumed.config = scheduled;
  assert.equal(await trainRun(resumed, prepared(scheduled), scheduled), 'finished');
  for (const [name, values] of straight.params) assertClose(resumed.model.params.snapshot().get(name)!, values, 0, 0, name);

  // Without the step the third epoch ends elsewhere: the rate did change the updates.
  const unscheduled = await trainWithStops(config(model, 3, { batchSize: 250 }), []);
  const head = [...straight.params.keys()].find((n) => n.startsWith('m2/'))!;
  assert.notDeepEqual(unscheduled.params.get(head), straight.params.get(head));
  for (const r of [straight.run, resumed, unscheduled.run]) disposeRun(r);
});

test('checkpoint round trip: an M1+M2 run restored from bytes classifies exactly as before', async () => {
  const c = config({ kind: 'm1m2', m1Latent: 4, m1Hidden: [8], m1Epochs: 0, latentDim: 2, hidden: [8], classifierHidden: [8] }, 1);
  const run = createRun(c, [28, 28, 1], initialTrainState());
  const x = tf.tensor2d(new Float32Array(3 * 784).fill(0.3), [3, 784]);
  assert.ok(isClassifier(run.model));
  const before = tf.tidy(() => Array.from((run.model as unknown as { classifierLogProbs(x: tf.Tensor2D): tf.Tensor2D }).classifierLogProbs(x).dataSync()));
  const restored = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'memory'), 'memory');
  assert.ok(isClassifier(restored.model));
  const after = tf.tidy(() => Array.from((restored.model as unknown as { classifierLogProbs(x: tf.Tensor2D): tf.Tensor2D }).classifierLogProbs(x).dataSync()));
  assert.deepEqual(after, before);
  tf.dispose(x);
  disposeRun(run);
  disposeRun(restored);
});

test('the ssl table: mean and sample standard deviation over seeds in percent, beside the paper; one seed shows no spread', () => {
  const result = (model: string, seed: number, testError: number) => ({ model, labels: 100, seed, testError, valError: 0.1, bestEpoch: 3, epochs: 5, seconds: 600 });
  const rows = sslRows([result('m1m2', 0, 0.05), result('m2', 1, 0.14), result('m2', 0, 0.1), result('m2', 2, 0.12)]);
  assert.deepEqual(rows.map((r) => [r.model, r.seeds]), [['m2', [0, 1, 2]], ['m1m2', [0]]]);
  assertClose([rows[0].meanError, rows[0].stdError], [12, 2], 1e-9, 1e-9, 'mean, std');
  const md = sslMarkdown(rows);
  assert.match(md, /\| M2 \| 100 \| 12\.00 ± 2\.00 \| 3 \| 5 \| 11\.97 ± 1\.71 \| 30 min \|/);
  assert.match(md, /\| M1\+M2 \| 100 \| 5\.00 \| 1 \| 5 \| 3\.33 ± 0\.14 \| 10 min \|/);
});

/** A fixed mixed batch of test images (binarized at 0.5): 20 labelled, 50 unlabelled. */
function fixedMixedBatch(): { labelled: { x: tf.Tensor2D; labels: tf.Tensor1D }; unlabelled: tf.Tensor2D } {
  const image = (i: number) => Array.from(mnist.test.images.subarray(i * 784, (i + 1) * 784), (v) => (v > 127 ? 1 : 0));
  const rows = (from: number, n: number) => tf.tensor2d(Array.from({ length: n }, (_, k) => image(from + k)).flat(), [n, 784]);
  return { labelled: { x: rows(0, 20), labels: tf.tensor1d(Array.from(mnist.test.labels!.subarray(0, 20)), 'int32') }, unlabelled: rows(20, 50) };
}

test('conv M2: a few portable steps on real MNIST lower the objective; the checkpoint round trip gives the same outputs', async () => {
  const c = config({ kind: 'm2', net: 'conv', channels: [4], labelled: 100, labelledBatch: 20, latentDim: 4, hidden: [16], classifierHidden: [16], activation: 'relu' }, 1);
  const data = prepared(c);
  const run = createRun(c, [28, 28, 1], initialTrainState());
  assert.ok(run.model.params.names().some((n) => n.startsWith('encoder.conv.')));
  const batch = fixedMixedBatch();
  const model = run.model as unknown as SemiSupervisedModel & ConditionalCodeModel;
  const objective = () => tf.tidy(() => model.semiSupervisedLoss(batch, { labelled: 100, unlabelled: 700 }, { beta: 1, numSamples: 1, rng: new Rng(3) }).total.dataSync()[0]);
  const before = objective();
  let path = '';
  await trainRun(run, data, c, {}, { onEngine: (p) => void (path = p) });
  const after = objective();
  assert.equal(path, 'portable');
  assert.equal(run.state.step, 9, '900 unlabelled images in batches of 100');
  assert.ok(after < before - 10, `objective on a fixed batch: ${before} -> ${after} nats`);
  assert.equal(typeof run.state.history[0].val?.error, 'number');

  const restored = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'memory'), 'memory');
  const back = restored.model as unknown as SemiSupervisedModel & ConditionalCodeModel;
  assert.deepEqual([(restored.config.model as { net: string }).net, (restored.config.model as { channels: number[] }).channels], ['conv', [4]]);
  tf.tidy(() => {
    const { x, labels } = batch.labelled;
    assert.deepEqual(back.classifierLogProbs(x).dataSync(), model.classifierLogProbs(x).dataSync());
    const z = model.encodeMeanGiven(x, labels);
    assert.deepEqual(back.encodeMeanGiven(x, labels).dataSync(), z.dataSync());
    assert.deepEqual(back.decodeMeanGiven(z, labels).dataSync(), model.decodeMeanGiven(z, labels).dataSync());
  });
  tf.dispose([batch.labelled.x, batch.labelled.labels, batch.unlabelled]);
  disposeRun(run);
  disposeRun(restored);
});

test('alpha defaults to 20 for M2 and M1+M2; a checkpoint saved with alpha 0.1 loads, trains and resumes with its 0.1', () => {
  for (const kind of ['m2', 'm1m2']) {
    assert.equal((resolveRunConfig([{ source: 'flags', values: { model: { kind } } }]).model as { alpha: number }).alpha, 20, kind);
    const model = { kind, latentDim: 2, hidden: [8], classifierHidden: [8], ...(kind === 'm1m2' ? { m1Latent: 4, m1Hidden: [8], m1Epochs: 0 } : {}) };
    const run = createRun(config({ ...model, alpha: 0.1 }, 1), [28, 28, 1], initialTrainState());
    const restored = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'old.ckpt'), 'old.ckpt');
    assert.equal((restored.config.model as { alpha: number }).alpha, 0.1, kind);
    assert.equal((restored.model as SemiSupervisedModel).m2Plan!().alpha, 0.1, `${kind}: the model trains with the saved alpha`);
    // --resume resolves the flags over the saved config: the saved alpha stands, and nothing conflicts.
    const asked = resolveRunConfig([{ source: 'the checkpoint', values: restored.config as unknown as Record<string, Record<string, unknown>> }, { source: 'flags', values: { train: { epochs: 2 } } }]);
    assert.equal((asked.model as { alpha: number }).alpha, 0.1);
    assert.equal(resumeConflict(restored.config, asked, 1), null);
    disposeRun(run);
    disposeRun(restored);
  }
});

test('a checkpoint saved before M2 and M1+M2 took --net (no net in its config) loads as MLP networks with the fast path', () => {
  for (const model of [
    { kind: 'm2', latentDim: 2, hidden: [8], classifierHidden: [8] },
    { kind: 'm1m2', m1Latent: 4, m1Hidden: [8], m1Epochs: 0, latentDim: 2, hidden: [8], classifierHidden: [8] },
  ]) {
    const run = createRun(config(model, 1), [28, 28, 1], initialTrainState());
    const data = runToCheckpoint(run);
    const meta = data.meta as { config: { model: Record<string, unknown> } };
    delete meta.config.model.net;
    delete meta.config.model.channels;
    const restored = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(data), 'old.ckpt'), 'old.ckpt');
    assert.equal((restored.config.model as { net: string }).net, 'mlp');
    assert.equal(typeof (restored.model as SemiSupervisedModel).m2Plan, 'function', `${model.kind} declares its fast path`);
    const x = tf.tensor2d(new Float32Array(2 * 784).fill(0.4), [2, 784]);
    const logProbs = (m: unknown) => tf.tidy(() => Array.from((m as SemiSupervisedModel).classifierLogProbs(x).dataSync()));
    assert.deepEqual(logProbs(restored.model), logProbs(run.model));
    tf.dispose(x);
    disposeRun(run);
    disposeRun(restored);
  }
});
