import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRunConfig } from '../../src/config/run.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { initialTrainState } from '../../src/train/state.js';
import { useTestBackend } from '../helpers/engine.js';

test('a weights-only checkpoint keeps every parameter, drops the Adam moments, and loads with a fresh optimizer', async () => {
  await useTestBackend();
  const config = resolveRunConfig([{ source: 't', values: { model: { latentDim: 2, hidden: [64] } } }]);
  const history = [1, 2, 3].map((epoch) => ({ epoch, beta: 1, train: { total: 100 }, seconds: 1 }));
  const run = createRun(config, [16, 16, 1], { ...initialTrainState(), epoch: 3, step: 30, history });
  const full = encodeCheckpoint(runToCheckpoint(run));
  const slim = decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run, { weightsOnly: true })), 'slim.ckpt');
  assert.ok([...slim.tensors.keys()].every((k) => k.startsWith('param/')), [...slim.tensors.keys()].join(', '));
  assert.equal(slim.tensors.size, run.model.params.snapshot().size);
  assert.ok(encodeCheckpoint(slim).length < full.length / 2.5, 'about a third of the full file');
  const back = runFromCheckpoint(slim, 'slim.ckpt');
  try {
    assert.equal(back.state.step, 30);
    assert.equal(back.optimizer.step, 0);
    const before = run.model.params.snapshot();
    for (const [name, values] of back.model.params.snapshot()) assert.deepEqual(values, before.get(name), name);
    // A full checkpoint without its moments is still refused: only the flag makes them optional.
    const meta = { ...slim.meta };
    delete meta.weightsOnly;
    assert.throws(() => runFromCheckpoint({ meta, tensors: slim.tensors }, 'edited.ckpt'), /edited\.ckpt: optimizer state "adam\.m\/.*" is missing/);
  } finally {
    disposeRun(back);
    disposeRun(run);
  }
});

test('a weights-only checkpoint thins a long history to some 100 epochs, keeping the last, the best and each rate step', async () => {
  await useTestBackend();
  const config = resolveRunConfig([{ source: 't', values: { model: { latentDim: 2, hidden: [8] } } }]);
  const lr = (epoch: number) => (epoch <= 1234 ? 1e-3 : 1e-4);
  const history = Array.from({ length: 3000 }, (_, i) => ({ epoch: i + 1, beta: 1, lr: lr(i + 1), train: { total: 100 - i / 100 }, seconds: 1 }));
  const state = { ...initialTrainState(), epoch: 3000, step: 9000, history, best: { epoch: 2777, total: 72.2 } };
  const run = createRun(config, [4, 4, 1], state);
  try {
    const slim = decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run, { weightsOnly: true })), 'slim.ckpt');
    const back = runFromCheckpoint(slim, 'slim.ckpt');
    const kept = back.state.history;
    disposeRun(back);
    assert.ok(kept.length >= 100 && kept.length <= 104, `${kept.length} records`);
    const epochs = kept.map((r) => r.epoch);
    for (const e of [1, 1235, 2777, 3000]) assert.ok(epochs.includes(e), `epoch ${e} kept`);
    for (const r of kept) assert.deepEqual(r, history[r.epoch - 1]);
    assert.equal(back.state.best?.epoch, 2777);
    // The full checkpoint, which resumes training, keeps every epoch.
    const full = runFromCheckpoint(decodeCheckpoint(encodeCheckpoint(runToCheckpoint(run)), 'full.ckpt'), 'full.ckpt');
    assert.equal(full.state.history.length, 3000);
    disposeRun(full);
  } finally {
    disposeRun(run);
  }
});
