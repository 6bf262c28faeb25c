/** The autoencoder family and PCA through the CLI: train, eval, help, and what deterministic models refuse. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOnce, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--limit', '600', '--val-size', '100', '--epochs', '1', '--hidden', '32', '--latent', '3'];

test('train --model dae and --model pca, then eval: reconstruction error, no ELBO; sample is refused', async () => {
  const cwd = tempDir();
  const dae = await vaekitInProcess(['train', '--model', 'dae', '--noise', 'saltpepper', '--noise-level', '0.1', ...TINY, '--out', 'dae'], cwd);
  assert.equal(dae.code, 0, transcript(dae));
  assert.match(dae.stdout, /model: dae, .*noise saltpepper, noiseLevel 0.1/);
  assert.equal(readJson<{ model: { kind: string; noise: string } }>(join(cwd, 'dae', 'config.json')).model.noise, 'saltpepper');
  const pca = await vaekitInProcess(['train', '--model', 'pca', '--latent', '3', '--limit', '600', '--val-size', '100', '--out', 'pca'], cwd);
  assert.equal(pca.code, 0, transcript(pca));
  // One fitting pass, said so, with the share of variance it keeps and no internal counters.
  assert.match(pca.stdout, /^fitted in one pass over 500 images: train squared error \d+\.\d\d \(recon \d+\.\d\d, explained variance \d+\.\d%\) {2}val squared error/m, transcript(pca));
  assert.doesNotMatch(pca.stdout, /epoch \d+\/\d+|count|\[best\]/, transcript(pca));
  assert.match(pca.stdout, /^done: pca \(squared error \d+\.\d\d\)$/m, transcript(pca));
  assert.deepEqual(readJson<{ epoch: number }[]>(join(cwd, 'pca', 'history.json')).map((h) => h.epoch), [1]);
  assert.equal(readJson<{ train: { epochs: number } }>(join(cwd, 'pca', 'config.json')).train.epochs, 1);
  for (const dir of ['dae', 'pca']) {
    const r = await vaekitInProcess(['eval', dir, '--limit', '100'], cwd);
    assert.equal(r.code, 0, transcript(r));
    assert.match(r.stdout, /squared error \d+\.\d\d, cross-entropy \d+\.\d\d nats/);
    assert.doesNotMatch(r.stdout, /ELBO/);
    if (dir === 'pca') assert.match(r.stdout, /explained variance of the training set: \d+\.\d%/);
    const figures = readJson<{ reconstruction: { squaredError: number }; negElbo?: number }>(join(cwd, dir, 'eval.json'));
    assert.ok(figures.reconstruction.squaredError > 0 && figures.negElbo === undefined, JSON.stringify(figures));
    const k = await vaekitInProcess(['eval', dir, '--k', '10'], cwd);
    assert.equal(k.code, 2, transcript(k));
    assert.match(k.stderr, /--k: a (dae|pca) model is deterministic/);
  }
  const sample = await vaekitInProcess(['sample', 'dae'], cwd);
  assert.notEqual(sample.code, 0, transcript(sample));
  assert.match(sample.stderr, /^vaekit sample: model kind dae has no prior/m, transcript(sample));
  assert.doesNotMatch(sample.stderr, /sample: sample:/);
  assert.ok(!listFiles(join(cwd, 'dae')).some((f) => f.endsWith('.png')), 'sample wrote a picture');
});

test('train --model pca refuses the training settings a fitted kind has no use for, from flags and from a config file', async () => {
  const cwd = tempDir();
  for (const [flag, value] of [['--lr', '0.1'], ['--epochs', '5'], ['--beta', '2'], ['--batch-size', '10'], ['--lr-steps', '3'], ['--warmup-epochs', '1'], ['--samples', '2']]) {
    const r = await vaekitInProcess(['train', '--model', 'pca', flag, value, '--out', 'pca'], cwd);
    assert.equal(r.code, 2, transcript(r));
    assert.match(r.stderr, new RegExp(`${flag} does not apply to --model pca: it is fitted in one pass`), transcript(r));
  }
  writeFileSync(join(cwd, 'pca.json'), JSON.stringify({ model: { kind: 'pca' }, train: { lr: 0.01, seed: 3 } }));
  const file = await vaekitInProcess(['train', '--config', 'pca.json', '--out', 'pca'], cwd);
  assert.equal(file.code, 2, transcript(file));
  assert.match(file.stderr, /--config pca\.json: "train\.lr" does not apply to --model pca: it is fitted in one pass/);
  assert.deepEqual(listFiles(cwd), ['pca.json'], 'nothing written');
});

test('train --help follows --model: each kind lists its own flags; a flag of another kind is refused', async () => {
  const cwd = tempDir();
  const help = await vaekitInProcess(['train', '--model', 'cae', '--help'], cwd);
  assert.equal(help.code, 0, transcript(help));
  assert.match(help.stdout, /Model \(cae\):/);
  for (const flag of ['--contractive <exact|stochastic>', '--lambda', '--recon <bce|mse>', '--hidden']) assert.ok(help.stdout.includes(flag), `${flag} missing\n${help.stdout}`);
  assert.doesNotMatch(help.stdout, /--decoder </);
  const wrong = await vaekitInProcess(['train', '--model', 'ae', '--noise', 'mask'], cwd);
  assert.equal(wrong.code, 2, transcript(wrong));
  assert.match(wrong.stderr, /--noise does not apply to --model ae; it is a flag of --model dae/);
  const bad = await vaekitInProcess(['train', '--model', 'dae', '--noise', 'pink'], cwd);
  assert.equal(bad.code, 2, transcript(bad));
  assert.match(bad.stderr, /--noise: expected one of mask, gaussian, saltpepper/);
  assert.deepEqual(listFiles(cwd), []);
});
