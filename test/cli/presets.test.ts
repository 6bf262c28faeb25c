/**
 * `vaekit train --preset <name>`: the configs shipped in configs/ by name, listed in --help and in the answer to
 * an unknown name; and --objective iwae with --k from the command line.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SHARED_DATA } from '../helpers/engine.js';
import { EpochRecord, readJson, removeTempDirs, ROOT, tempDir, transcript, vaekitInProcess } from './helpers.js';

after(removeTempDirs);

const SHIPPED = readdirSync(join(ROOT, 'configs')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

test('the presets are the configs/ files; --help and an unknown name list them all', async () => {
  for (const name of ['burda-vae', 'burda-iwae-k5', 'burda-iwae-k50', 'tomczak-vamp']) assert.ok(SHIPPED.includes(name), SHIPPED.join(', '));
  const cwd = tempDir();
  const help = await vaekitInProcess(['train', '--help'], cwd);
  assert.equal(help.code, 0);
  assert.match(help.stdout, new RegExp(`--preset <text> +a config shipped with vaekit, by name, in place of --config: ${SHIPPED.join(', ')}`));
  assert.match(help.stdout, /--samples, --k <n>/);
  const unknown = await vaekitInProcess(['train', '--preset', 'burda-iwae-k6'], cwd);
  assert.equal(unknown.code, 2, transcript(unknown));
  assert.match(unknown.stderr, new RegExp(`--preset: no config named "burda-iwae-k6"; did you mean .*\\(the presets: ${SHIPPED.join(', ')}\\)`));
  const both = await vaekitInProcess(['train', '--preset', 'burda-vae', '--config', 'x.json'], cwd);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--preset and --config each give the config file/);
  assert.deepEqual(readdirSync(cwd), [], 'nothing written');
});

test('a preset trains with its settings, flags over it, into runs/<preset> by default', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--preset', 'burda-iwae-k5', '--epochs', '1', '--limit', '60'], cwd);
  assert.equal(r.code, 0, transcript(r));
  const config = readJson<{ model: Record<string, unknown>; train: Record<string, unknown> }>(join(cwd, 'runs', 'burda-iwae-k5', 'config.json'));
  assert.deepEqual(config.model.hidden, [200, 200]);
  assert.equal(config.model.latentDim, 50);
  assert.deepEqual([config.train.objective, config.train.numSamples, config.train.batchSize, config.train.adamEpsilon, config.train.epochs], ['iwae', 5, 20, 1e-4, 1]);
  assert.match(r.stdout, /epoch 1\/1 {2}train -iwae\(k=5\) \d+\.\d+ \(recon/);
  const history = readJson<EpochRecord[]>(join(cwd, 'runs', 'burda-iwae-k5', 'history.json'));
  assert.ok(Number.isFinite(history[0].train.total));
});

test('--objective iwae --k 3 trains a vae on the bound of 3 samples; other kinds refuse the flag by name', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--objective', 'iwae', '--k', '3', '--hidden', '32', '--latent', '4', '--epochs', '1', '--limit', '200', '--out', 'iwae'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.equal(readJson<{ train: { numSamples: number } }>(join(cwd, 'iwae', 'config.json')).train.numSamples, 3);
  assert.match(r.stdout, /val -iwae\(k=3\) \d+\.\d+/);
  const ae = await vaekitInProcess(['train', '--model', 'ae', '--objective', 'iwae', '--out', 'ae'], cwd);
  assert.equal(ae.code, 2, transcript(ae));
  assert.match(ae.stderr, /--objective iwae: the ae kind trains on its own objective only \(--objective elbo\); iwae is offered by vae/);
  const twice = await vaekitInProcess(['train', '--k', '3', '--samples', '2', '--out', 'x'], cwd);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /--k is another name for --samples: give one of them/);
});

test('tomczak-vamp trains the VampPrior VAE on the fixed binarization of MNIST, its own validation split', { skip: existsSync(join(SHARED_DATA, 'binarized-mnist')) ? false : 'no ../shared/data/binarized-mnist' }, async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--preset', 'tomczak-vamp', '--data-dir', join(SHARED_DATA, 'binarized-mnist'), '--epochs', '1', '--limit', '300', '--pseudo-inputs', '20'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /model: vae, .*prior vamp, pseudoInputs 20/);
  assert.match(r.stdout, /^data: .*binarized-mnist: 300 training, 10000 validation images \(its own split\)/m, transcript(r));
  const config = readJson<{ model: Record<string, unknown>; train: Record<string, unknown>; data: Record<string, unknown> }>(join(cwd, 'runs', 'tomczak-vamp', 'config.json'));
  assert.deepEqual([config.model.hidden, config.model.latentDim, config.train.batchSize, config.train.lr, config.train.warmupEpochs, config.train.patience, config.data.binarize], [[300, 300], 40, 100, 5e-4, 100, 50, 'none']);
});
