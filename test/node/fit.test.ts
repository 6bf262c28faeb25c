/** The library's run session through `fit`: the rules of a run directory, stopping, warm start, loading, scoring. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../../src/config/schema.js';
import { RunOptionError } from '../../src/io/runOptionError.js';
import { evaluate } from '../../src/node/evaluate.js';
import { fit, loadRun } from '../../src/node/fit.js';
import { SessionProgress } from '../../src/node/runSession.js';

const root = mkdtempSync(join(tmpdir(), 'vaekit-fit-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A small VAE on the first 300 MNIST images, 50 of them for validation. */
const TINY = { model: { kind: 'vae' as const, latentDim: 2, hidden: [32] }, train: { epochs: 1, batchSize: 50 }, data: { limit: 300, valSize: 50 } };

test('fit writes a run directory, refuses to overwrite it, resumes it with more epochs, and refuses other changes', async () => {
  const out = join(root, 'z2');
  const events: SessionProgress['type'][] = [];
  const run = await fit(TINY, { out, onProgress: (e) => events.push(e.type) });
  try {
    assert.equal(run.status, 'finished');
    assert.equal(run.state.epoch, 1);
    assert.equal(run.dir, out);
  } finally {
    run.dispose();
  }
  for (const f of ['config.json', 'last.ckpt', 'best.ckpt', 'history.json']) assert.ok(existsSync(join(out, f)), f);
  assert.deepEqual([...new Set(events)], ['ready', 'engine', 'step', 'epoch']);

  await assert.rejects(fit(TINY, { out }), (e: Error) => e instanceof RunOptionError && /already holds a run \(.*last\.ckpt.*\): pass resume to continue it, force to start afresh/.test(e.message));
  await assert.rejects(fit({ model: { latentDim: 3 } }, { out, resume: true }), (e: Error) => e instanceof RunOptionError && /model\.latentDim .* cannot change when resuming; only train\.epochs, and train\.lrSteps for epochs not yet trained, can/.test(e.message));
  const resumed = await fit({ train: { epochs: 2 } }, { out, resume: true });
  try {
    assert.equal(resumed.state.epoch, 2);
    assert.deepEqual(resumed.state.history.map((h) => h.epoch), [1, 2]);
  } finally {
    resumed.dispose();
  }
  await assert.rejects(fit({ train: { epochs: 2 } }, { out, resume: true }), /already finished 2 epochs; pass a larger train\.epochs to go on/);

  const best = await loadRun(out);
  try {
    const figures = await evaluate(best, { k: 10, limit: 40 });
    assert.equal(figures.images, 40);
    assert.ok(Number.isFinite(figures.negElbo) && Number.isFinite(figures.negLogLikelihood), JSON.stringify(figures));
    assert.ok(figures.reconstruction !== undefined);
  } finally {
    best.dispose();
  }
});

test('an aborted signal stops after the step with a checkpoint that resume goes on from; a warm start says what it took', async () => {
  const out = join(root, 'stopped');
  const controller = new AbortController();
  const stopped = await fit({ ...TINY, train: { epochs: 2, batchSize: 50 } }, { out, signal: controller.signal, onProgress: (e) => e.type === 'step' && e.info.batch === 2 && controller.abort() });
  try {
    assert.equal(stopped.status, 'stopped');
    assert.deepEqual([stopped.state.epoch, stopped.state.batch], [0, 2]);
  } finally {
    stopped.dispose();
  }
  assert.ok(existsSync(join(out, 'last.ckpt')));
  const resumed = await fit({}, { out, resume: true });
  assert.equal(resumed.status, 'finished');
  assert.equal(resumed.state.epoch, 2);
  resumed.dispose();

  let warm: Extract<SessionProgress, { type: 'warm-start' }> | undefined;
  const started = await fit(TINY, { out: join(root, 'warm'), initFrom: out, onProgress: (e) => void (e.type === 'warm-start' && (warm = e)) });
  started.dispose();
  assert.ok(warm && warm.loaded.length > 0 && warm.fresh.length === 0 && warm.epoch === 2, JSON.stringify(warm));
  await assert.rejects(fit(TINY, { out: join(root, 'both'), resume: true, initFrom: out }), /initFrom starts a new run; resume continues one/);
});

test('fit refuses a setting the kind has no use for, and an unknown one, naming the key', async () => {
  await assert.rejects(fit({ model: { kind: 'pca' }, train: { lr: 0.1 } }, { out: join(root, 'pca') }), (e: Error) => e instanceof ConfigError && /^train\.lr does not apply to a pca: /.test(e.message));
  await assert.rejects(fit({ model: { kind: 'vae', latent: 2 } as never }, { out: join(root, 'bad') }), (e: Error) => e instanceof ConfigError && /latent/.test(e.message));
  assert.ok(!existsSync(join(root, 'pca')) && !existsSync(join(root, 'bad')), 'nothing written');
});
