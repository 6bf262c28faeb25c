/** `--net conv` through the CLI: train, resume, eval, a picture, and the refusals. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodePng } from '../../src/node/png.js';
import { buildOnce, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekit } from './helpers.js';
import { readFileSync } from 'node:fs';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--limit', '250', '--val-size', '50', '--hidden', '16', '--latent', '3', '--net', 'conv', '--conv-channels', '4,8'];

test('train --net conv records the network, trains on the portable engine, resumes, evaluates and samples', () => {
  const cwd = tempDir();
  const r = vaekit(['train', ...TINY, '--epochs', '1', '--out', 'conv'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /model: vae, .*net conv, channels 4,8/);
  assert.match(r.stdout, /engine: portable/);
  const config = readJson<{ model: { net: string; channels: number[] } }>(join(cwd, 'conv', 'config.json'));
  assert.deepEqual([config.model.net, config.model.channels], ['conv', [4, 8]]);
  const resumed = vaekit(['train', '--resume', '--out', 'conv', '--epochs', '2'], cwd);
  assert.equal(resumed.code, 0, transcript(resumed));
  assert.match(resumed.stdout, /epoch 2\/2/);
  const ev = vaekit(['eval', 'conv', '--limit', '50', '--k', '5'], cwd);
  assert.equal(ev.code, 0, transcript(ev));
  assert.match(ev.stdout, /test -ELBO \d+\.\d\d nats/);
  const sample = vaekit(['sample', 'conv', '--n', '4', '--scale', '1'], cwd);
  assert.equal(sample.code, 0, transcript(sample));
  const png = decodePng(new Uint8Array(readFileSync(join(cwd, 'conv', 'samples.png'))));
  assert.deepEqual([png.width, png.height], [2 * 28 + 1, 2 * 28 + 1]);
});

test('too many convolutions for the image, and the exact contractive penalty on a conv encoder, are refused', () => {
  const cwd = tempDir();
  const deep = vaekit(['train', ...TINY, '--conv-channels', '2,2,2,2,2', '--epochs', '1', '--out', 'deep'], cwd);
  assert.notEqual(deep.code, 0, transcript(deep));
  assert.match(deep.stderr, /5 strided convolutions do not fit 28x28 images: layer 5 gets 1x1; use fewer --conv-channels/);
  const cae = vaekit(['train', '--model', 'cae', ...TINY, '--epochs', '1', '--out', 'cae'], cwd);
  assert.notEqual(cae.code, 0, transcript(cae));
  assert.match(cae.stderr, /--contractive exact .* with --net conv use --contractive stochastic/);
  assert.ok(!listFiles(cwd).some((f) => f.endsWith('.ckpt')), `a checkpoint was written: ${listFiles(cwd).join(', ')}`);
});
