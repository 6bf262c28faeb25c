/**
 * The CLI on small or broken data input, on tiny IDX folders of 4x4 images, looking at the exit code, what was
 * said, and what was left on disk: through `main` in this process, and the built `bin/vaekit.js` for the answers
 * that must come before anything is loaded (a config nested too deep, a FIFO).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { idxBytes } from '../data/fixtures.js';
import { buildOnce, CliResult, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekit, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

/** A tiny model, so each run takes seconds. */
const TINY = ['--hidden', '8', '--latent', '2', '--epochs', '1', '--batch-size', '10'];

/** An MNIST-like folder of `train` and `test` 4x4 images (pixels i * 37 + p mod 256), labels i mod 10 unless given. */
function idxFolder(dir: string, train: number, test: number, trainLabels?: number[]): string {
  mkdirSync(dir, { recursive: true });
  const pixels = (n: number) => Array.from({ length: n * 16 }, (_, k) => (Math.floor(k / 16) * 37 + (k % 16)) % 256);
  const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([train, 4, 4], pixels(train)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([train], trainLabels ?? labels(train)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([test, 4, 4], pixels(test)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([test], labels(test)));
  return dir;
}

/** A failure: a non-zero exit, each part named on stderr, and nothing new on disk under `cwd`. */
function assertCleanFailure(r: CliResult, cwd: string, filesBefore: string[], stderr: string[]): void {
  assert.ok(r.code !== 0 && r.code !== null, `expected a non-zero exit\n${transcript(r)}`);
  for (const part of stderr) assert.ok(r.stderr.includes(part), `expected ${JSON.stringify(part)} on stderr\n${transcript(r)}`);
  assert.deepEqual(listFiles(cwd), filesBefore, `no file should be written\n${transcript(r)}`);
}

test('train refuses a data set of no images, naming the file; nothing is written', async () => {
  const cwd = tempDir();
  const data = idxFolder(join(cwd, 'empty'), 0, 0);
  const before = listFiles(cwd);
  const r = await vaekitInProcess(['train', '--data', data, '--val-size', '0', '--out', 'run', ...TINY], cwd);
  assertCleanFailure(r, cwd, before, [join(data, 'train-images-idx3-ubyte'), 'holds 0 images: expected at least one']);
});

test('eval refuses a test set of no images instead of printing NaN', async () => {
  const cwd = tempDir();
  const data = idxFolder(join(cwd, 'small'), 100, 20);
  const trained = await vaekitInProcess(['train', '--data', 'mnist', '--data-dir', data, '--val-size', '10', '--out', 'run', ...TINY], cwd);
  assert.equal(trained.code, 0, transcript(trained));
  const noTest = idxFolder(join(cwd, 'no-test'), 100, 0);
  const before = listFiles(cwd);
  const r = await vaekitInProcess(['eval', 'run', '--data-dir', noTest, '--k', '5'], cwd);
  assertCleanFailure(r, cwd, before, [join(noTest, 't10k-images-idx3-ubyte'), 'holds 0 images: expected at least one']);
  assert.ok(!r.stdout.includes('NaN'), transcript(r));
});

test('a config file with a UTF-8 byte-order mark is read, its model kind included', async () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'bom.json'), '\ufeff{"model": {"kind": "cvae"}, "train": {"epochs": 0}}');
  // --classes exists for cvae only, so the kind was read; the config's own mistake is what is reported.
  const r = await vaekitInProcess(['train', '--config', 'bom.json', '--classes', '5'], cwd);
  assert.equal(r.code, 2, transcript(r));
  assert.ok(r.stderr.includes('bom.json (train): "epochs": expected an integer >= 1, got 0'), transcript(r));
});

test('a config nested too deep, or a FIFO given as config, is refused naming the file', { skip: process.platform === 'win32' && 'no FIFOs' }, () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'deep.json'), `{"model": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  execFileSync('mkfifo', [join(cwd, 'fifo.json')]);
  const before = listFiles(cwd);
  const deep = vaekit(['train', '--config', 'deep.json'], cwd);
  assertCleanFailure(deep, cwd, before, ['deep.json: nested more than 8 levels deep']);
  assert.equal(deep.code, 2, transcript(deep));
  const fifo = vaekit(['train', '--config', 'fifo.json'], cwd, 30_000);
  assertCleanFailure(fifo, cwd, before, ['--config: cannot read fifo.json: expected a regular file, found a FIFO (named pipe)']);
});

test('--limit comes before the split: --limit 5000 trains on 4,500 images and validates on 500', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--limit', '5000', '--out', 'run', ...TINY, '--batch-size', '100'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.ok(r.stdout.includes('4500 training, 500 validation images of 28x28x1'), transcript(r));
});

test('100 images train by default (90 and 10); a --val-size that leaves none is refused naming the flags', async () => {
  const cwd = tempDir();
  const data = idxFolder(join(cwd, 'small'), 100, 20);
  const ok = await vaekitInProcess(['train', '--data', data, '--out', 'run', ...TINY], cwd);
  assert.equal(ok.code, 0, transcript(ok));
  assert.ok(ok.stdout.includes('90 training, 10 validation images of 4x4x1'), transcript(ok));
  const before = listFiles(cwd);
  const all = await vaekitInProcess(['train', '--data', data, '--val-size', '100', '--out', 'run2', ...TINY], cwd);
  assertCleanFailure(all, cwd, before, [`--val-size 100 leaves no training images: ${data} train holds 100 images: expected --val-size below 100, or 0 for no validation`]);
  const limited = await vaekitInProcess(['train', '--data', data, '--val-size', '5000', '--limit', '50', '--out', 'run2', ...TINY], cwd);
  assertCleanFailure(limited, cwd, before, ['--val-size 5000 leaves no training images', 'holds 50 images (its first 50, by --limit)']);
});

test('a relative --data-dir or --data folder is saved absolute: eval from elsewhere and --resume with the absolute path work', async () => {
  const cwd = tempDir();
  idxFolder(join(cwd, 'small'), 100, 20);
  const trained = await vaekitInProcess(['train', '--data', 'mnist', '--data-dir', 'small', '--out', 'run', ...TINY], cwd);
  assert.equal(trained.code, 0, transcript(trained));
  assert.equal(readJson<{ data: { dataDir: string } }>(join(cwd, 'run', 'config.json')).data.dataDir, join(cwd, 'small'));
  const elsewhere = tempDir();
  const evaluated = await vaekitInProcess(['eval', join(cwd, 'run'), '--k', '2'], elsewhere);
  assert.equal(evaluated.code, 0, transcript(evaluated));
  const resumed = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '2', '--data-dir', join(cwd, 'small')], cwd);
  assert.equal(resumed.code, 0, transcript(resumed));

  const folderRun = await vaekitInProcess(['train', '--data', 'small', '--out', 'run2', ...TINY], cwd);
  assert.equal(folderRun.code, 0, transcript(folderRun));
  assert.equal(readJson<{ data: { data: string } }>(join(cwd, 'run2', 'config.json')).data.data, join(cwd, 'small'));
  const evaluated2 = await vaekitInProcess(['eval', join(cwd, 'run2'), '--k', '2'], elsewhere);
  assert.equal(evaluated2.code, 0, transcript(evaluated2));
});

test('cvae refuses IDX labels outside its --classes, naming the label file; nothing is written', async () => {
  const cwd = tempDir();
  const labels = Array.from({ length: 100 }, (_, i) => (i === 3 ? 200 : i % 10));
  const data = idxFolder(join(cwd, 'bad-labels'), 100, 20, labels);
  const before = listFiles(cwd);
  const r = await vaekitInProcess(['train', '--model', 'cvae', '--data', data, '--out', 'run', ...TINY], cwd);
  assertCleanFailure(r, cwd, before, [`${join(data, 'train-labels-idx1-ubyte')}: label 200 of image 3: expected labels 0..9 (--classes 10)`]);
});
