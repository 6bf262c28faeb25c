/** `vaekit train --init-from`: a gaussian-learned VAE, then gaussian-ar on top of its weights; and the refusals. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { disposeRun, runFromCheckpoint } from '../../src/io/run.js';
import { buildOnce, listFiles, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--limit', '200', '--val-size', '50', '--binarize', 'none', '--hidden', '', '--latent', '3', '--net', 'conv', '--conv-channels', '4', '--epochs', '1'];

/** The model parameters of a checkpoint file, by name (its other tensors are the optimizer's). */
function weights(path: string): Map<string, Float32Array> {
  const run = runFromCheckpoint(decodeCheckpoint(new Uint8Array(readFileSync(path)), path), path);
  const values = run.model.params.snapshot();
  disposeRun(run);
  return values;
}

test('--init-from copies the shared weights, initializes the autoregression afresh, and the new run evaluates in bits/dim', async () => {
  const cwd = tempDir();
  const base = await vaekitInProcess(['train', ...TINY, '--decoder', 'gaussian-learned', '--out', 'base'], cwd);
  assert.equal(base.code, 0, transcript(base));
  const ar = await vaekitInProcess(['train', ...TINY, '--decoder', 'gaussian-ar', '--init-from', 'base', '--lr', '1e-9', '--out', 'ar'], cwd);
  assert.equal(ar.code, 0, transcript(ar));
  const before = weights(join(cwd, 'base', 'best.ckpt'));
  assert.match(ar.stdout, new RegExp(`init: ${before.size} parameters from base[/\\\\]best\\.ckpt \\(epoch 1\\); initialized afresh: decoder\\.ar\\.w`));
  // One epoch at a learning rate of 1e-9 moves no weight by more than ~1e-9 per step: they are the base's.
  const after = weights(join(cwd, 'ar', 'last.ckpt'));
  for (const [name, values] of before) assert.ok(after.get(name)!.every((v, i) => Math.abs(v - values[i]) < 1e-6), name);
  assert.ok(after.get('decoder.ar.w')!.every((v) => Math.abs(v) < 1e-6), 'the filter starts at zero');
  const ev = await vaekitInProcess(['eval', 'ar', '--limit', '20', '--k', '2'], cwd);
  assert.equal(ev.code, 0, transcript(ev));
  assert.match(ev.stdout, /test bits\/dim: \d+\.\d{3} from -log p\(x\)/);
});

test('--init-from refuses a missing checkpoint, --resume, and a parameter of another size, writing nothing', async () => {
  const cwd = tempDir();
  const missing = await vaekitInProcess(['train', ...TINY, '--init-from', 'nowhere', '--out', 'a'], cwd);
  assert.notEqual(missing.code, 0, transcript(missing));
  assert.match(missing.stderr, /--init-from: checkpoint not found: nowhere/);
  const both = await vaekitInProcess(['train', '--resume', '--out', 'a', '--init-from', 'nowhere'], cwd);
  assert.notEqual(both.code, 0, transcript(both));
  assert.match(both.stderr, /--init-from starts a new run; --resume continues one/);
  const base = await vaekitInProcess(['train', ...TINY, '--out', 'base'], cwd);
  assert.equal(base.code, 0, transcript(base));
  const wider = await vaekitInProcess(['train', ...TINY, '--latent', '5', '--init-from', 'base', '--out', 'wide'], cwd);
  assert.notEqual(wider.code, 0, transcript(wider));
  assert.match(wider.stderr, /parameter "encoder\.dense\.\d+\.w" has \d+ values, expected \d+/);
  assert.deepEqual(listFiles(cwd).filter((f) => f.endsWith('.ckpt')).sort(), ['base/best.ckpt', 'base/last.ckpt']);
});
