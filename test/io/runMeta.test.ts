import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRunConfig } from '../../src/config/run.js';
import { readRunMeta } from '../../src/io/run.js';
import { EpochRecord, TrainState } from '../../src/train/state.js';

const SOURCE = 'runs/x/last.ckpt';

function record(epoch: number): EpochRecord {
  return { epoch, beta: 1, lr: 1e-3, train: { total: 100 - epoch }, seconds: 1 };
}

/** The JSON part of a checkpoint after `epochs` finished epochs and `batch` batches of the next. */
function meta(epochs: number, batch = 0, edit: (state: Record<string, unknown>, meta: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const history = Array.from({ length: epochs }, (_, i) => record(i + 1));
  const state: TrainState = { epoch: epochs, batch, step: epochs * 10 + batch, partial: { sums: {}, count: 0, seconds: 0 }, history, best: epochs > 0 ? { epoch: epochs, total: 1 } : null };
  const config = resolveRunConfig([{ source: 't', values: { model: { latentDim: 2 } } }]);
  const m: Record<string, unknown> = { kind: 'vaekit-run', config, inputShape: [28, 28, 1], state, optimizerStep: state.step, savedAt: '2024-01-01T00:00:00.000Z' };
  edit(state as unknown as Record<string, unknown>, m);
  return m;
}

function assertRefused(m: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(
    () => readRunMeta({ meta: m, tensors: new Map() }, SOURCE),
    (err: Error) => {
      assert.ok(err.message.startsWith(`${SOURCE}: `), err.message);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('a checkpoint whose position agrees with its history is read', () => {
  for (const m of [meta(0), meta(0, 7), meta(3), meta(3, 5)]) assert.equal(readRunMeta({ meta: m, tensors: new Map() }, SOURCE).state.epoch, (m.state as TrainState).epoch);
  // A fitted kind records its one pass as the last epoch.
  const fitted = meta(0, 0, (s) => Object.assign(s, { epoch: 10, history: [record(10)], best: { epoch: 10, total: 1 } }));
  assert.equal(readRunMeta({ meta: fitted, tensors: new Map() }, SOURCE).state.epoch, 10);
});

test('an epoch count that is not a sane whole number is refused, naming the file and the field', () => {
  for (const epoch of [1e300, 1e7, -1, 2.5, '3', null]) {
    assertRefused(meta(3, 0, (s) => (s.epoch = epoch)), /meta\.state\.epoch must be a whole number from 0 to 1000000/);
  }
});

test('batch, step and optimizer step must be whole numbers', () => {
  assertRefused(meta(1, 0, (s) => (s.batch = -1)), /meta\.state\.batch must be a whole number/);
  assertRefused(meta(1, 0, (s) => (s.batch = 1e300)), /meta\.state\.batch must be a whole number/);
  assertRefused(meta(1, 0, (s) => (s.step = 0.5)), /meta\.state\.step must be a whole number/);
  assertRefused(meta(1, 0, (_, m) => (m.optimizerStep = 'x')), /meta\.optimizerStep must be a whole number/);
});

test('a position that disagrees with the history is refused', () => {
  assertRefused(meta(2, 0, (s) => (s.epoch = 5)), /meta\.state\.history ends at epoch 2, but meta\.state\.epoch is 5/);
  assertRefused(meta(2, 0, (s) => (s.epoch = 0)), /meta\.state\.history ends at epoch 2, but meta\.state\.epoch is 0/);
  assertRefused(meta(0, 0, (s) => (s.epoch = 4)), /meta\.state\.history is empty, but meta\.state\.epoch is 4/);
  assertRefused(meta(3, 0, (s) => ((s.history as EpochRecord[])[1].epoch = 1)), /meta\.state\.history: record 2 is epoch 1, after epoch 1/);
  assertRefused(meta(3, 0, (s) => (s.history = 'x')), /meta\.state\.history must be a list/);
  assertRefused(meta(3, 0, (s) => (s.best = { epoch: 4, total: 1 })), /meta\.state\.best\.epoch must be one of the finished epochs 1 to 3, got 4/);
});
