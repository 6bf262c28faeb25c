/** The VampPrior through the CLI: train on either engine, eval and sample through the prior, the engines' scores alike. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadNativeKernels } from '../../src/node/native.js';
import { buildOnce, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--prior', 'vamp', '--pseudo-inputs', '10', '--limit', '600', '--val-size', '100', '--epochs', '1', '--hidden', '32', '--latent', '4'];

const native = loadNativeKernels().kernels !== null;

test('train --prior vamp trains (on the native engine where it loaded); eval scores it and sample draws from its prior', async () => {
  const cwd = tempDir();
  const train = await vaekitInProcess(['train', ...TINY, '--out', 'vamp'], cwd);
  assert.equal(train.code, 0, transcript(train));
  assert.match(train.stdout, /model: vae, .*prior vamp, pseudoInputs 10/);
  assert.match(train.stdout, native ? /engine: native/ : /engine: portable/);
  assert.equal(readJson<{ model: { prior: string } }>(join(cwd, 'vamp', 'config.json')).model.prior, 'vamp');

  const evaluated = await vaekitInProcess(['eval', 'vamp', '--limit', '100', '--k', '20'], cwd);
  assert.equal(evaluated.code, 0, transcript(evaluated));
  const figures = readJson<{ negElbo: number; negLogLikelihood: number }>(join(cwd, 'vamp', 'eval.json'));
  assert.ok(figures.negLogLikelihood < figures.negElbo, JSON.stringify(figures));

  const sample = await vaekitInProcess(['sample', 'vamp', '--n', '4', '--out', 'samples.png'], cwd);
  assert.equal(sample.code, 0, transcript(sample));
  assert.ok(existsSync(join(cwd, 'samples.png')));
});

test('a vamp prior VAE trained with --engine native scores the same with eval on either engine', { skip: native ? false : 'native kernels not built' }, async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', ...TINY, '--engine', 'native', '--out', 'native'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /engine: native/);
  const scores = [];
  for (const engine of ['native', 'portable']) {
    const e = await vaekitInProcess(['eval', 'native', '--limit', '100', '--k', '20', '--engine', engine, '--out', `${engine}.json`], cwd);
    assert.equal(e.code, 0, transcript(e));
    scores.push(readJson<{ negElbo: number; negLogLikelihood: number }>(join(cwd, `${engine}.json`)));
  }
  assert.ok(Math.abs(scores[0].negLogLikelihood - scores[1].negLogLikelihood) < 1e-3, JSON.stringify(scores));
  assert.ok(Math.abs(scores[0].negElbo - scores[1].negElbo) < 1e-3, JSON.stringify(scores));
});
