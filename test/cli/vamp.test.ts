/** The VampPrior through the CLI: train on the portable engine, eval and sample through the prior, --engine native refused. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadNativeKernels } from '../../src/node/native.js';
import { buildOnce, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--prior', 'vamp', '--pseudo-inputs', '10', '--limit', '600', '--val-size', '100', '--epochs', '1', '--hidden', '32', '--latent', '4'];

test('train --prior vamp trains on the portable engine; eval scores it and sample draws from its prior', async () => {
  const cwd = tempDir();
  const train = await vaekitInProcess(['train', ...TINY, '--out', 'vamp'], cwd);
  assert.equal(train.code, 0, transcript(train));
  assert.match(train.stdout, /model: vae, .*prior vamp, pseudoInputs 10/);
  assert.match(train.stdout, /engine: portable/);
  assert.equal(readJson<{ model: { prior: string } }>(join(cwd, 'vamp', 'config.json')).model.prior, 'vamp');

  const evaluated = await vaekitInProcess(['eval', 'vamp', '--limit', '100', '--k', '20'], cwd);
  assert.equal(evaluated.code, 0, transcript(evaluated));
  const figures = readJson<{ negElbo: number; negLogLikelihood: number }>(join(cwd, 'vamp', 'eval.json'));
  assert.ok(figures.negLogLikelihood < figures.negElbo, JSON.stringify(figures));

  const sample = await vaekitInProcess(['sample', 'vamp', '--n', '4', '--out', 'samples.png'], cwd);
  assert.equal(sample.code, 0, transcript(sample));
  assert.ok(existsSync(join(cwd, 'samples.png')));
});

test('--engine native refuses a vamp prior VAE and writes nothing', { skip: loadNativeKernels().kernels ? false : 'native kernels not built' }, async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', ...TINY, '--engine', 'native', '--out', 'native'], cwd);
  assert.notEqual(r.code, 0, transcript(r));
  assert.match(r.stderr, /--engine native: the native kernels train only models that offer a hand-fused plan .*standard normal prior/, transcript(r));
  assert.deepEqual(listFiles(cwd), []);
});
