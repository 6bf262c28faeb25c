/** The adversarial autoencoder through the CLI: train, eval (codes against the prior), embed, help and refusals. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOnce, EpochRecord, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--limit', '600', '--val-size', '100', '--epochs', '1', '--hidden', '32', '--disc-hidden', '16', '--latent', '2'];

test('train --model aae --prior mixture --labels, then eval prints the MMD beside an untrained encoder, and embed draws the codes', async () => {
  const cwd = tempDir();
  const train = await vaekitInProcess(['train', '--model', 'aae', '--prior', 'mixture', '--labels', ...TINY, '--out', 'aae'], cwd);
  assert.equal(train.code, 0, transcript(train));
  assert.match(train.stdout, /model: aae, .*prior mixture, labels true, stochasticEncoder false/);
  assert.match(train.stdout, /epoch 1\/1 .*recon \d+\.\d\d, disc \d+\.\d\d, gen \d+\.\d\d/);
  const history = readJson<EpochRecord[]>(join(cwd, 'aae', 'history.json'));
  assert.deepEqual(Object.keys(history[0].train), ['total', 'recon', 'disc', 'gen']);
  assert.equal(readJson<{ model: { labels: boolean } }>(join(cwd, 'aae', 'config.json')).model.labels, true);

  const evaluated = await vaekitInProcess(['eval', 'aae', '--limit', '300'], cwd);
  assert.equal(evaluated.code, 0, transcript(evaluated));
  assert.match(evaluated.stdout, /codes vs prior: MMD\^2 -?\d+\.\d{4} between 300 test codes and 300 prior draws .*untrained encoder, same seed: -?\d+\.\d{4}/);
  const figures = readJson<{ priorMatch: { mmd2: number; untrainedMmd2: number; count: number } }>(join(cwd, 'aae', 'eval.json'));
  assert.ok(Number.isFinite(figures.priorMatch.mmd2) && Number.isFinite(figures.priorMatch.untrainedMmd2) && figures.priorMatch.mmd2 !== figures.priorMatch.untrainedMmd2, JSON.stringify(figures));

  const embed = await vaekitInProcess(['embed', 'aae', '--limit', '200', '--out', 'codes.svg'], cwd);
  assert.equal(embed.code, 0, transcript(embed));
  assert.match(readFileSync(join(cwd, 'codes.svg'), 'utf8'), /^<svg|<\?xml/);
});

test('train --model aae --help lists the prior, labels and encoder flags; bad combinations are refused before anything is written', async () => {
  const cwd = tempDir();
  const help = await vaekitInProcess(['train', '--model', 'aae', '--help'], cwd);
  assert.equal(help.code, 0, transcript(help));
  for (const flag of ['--prior <gaussian|mixture|swissroll>', '--labels', '--stochastic-encoder', '--disc-hidden <n,n,...>']) assert.ok(help.stdout.includes(flag), `${flag} missing\n${help.stdout}`);
  const badPrior = await vaekitInProcess(['train', '--model', 'aae', '--prior', 'moon', ...TINY], cwd);
  assert.equal(badPrior.code, 2, transcript(badPrior));
  assert.match(badPrior.stderr, /--prior: expected one of gaussian, mixture, swissroll/);
  const noParts = await vaekitInProcess(['train', '--model', 'aae', '--labels', ...TINY, '--out', 'x'], cwd);
  assert.notEqual(noParts.code, 0, transcript(noParts));
  assert.match(noParts.stderr, /--labels needs a prior made of parts/);
  const roll = await vaekitInProcess(['train', '--model', 'aae', '--prior', 'swissroll', ...TINY.slice(0, -1), '3', '--out', 'y'], cwd);
  assert.notEqual(roll.code, 0, transcript(roll));
  assert.match(roll.stderr, /swissroll prior is 2-D/);
  assert.deepEqual(listFiles(cwd), []);
});
