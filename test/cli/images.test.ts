// The CLI on a folder of the user's own images: train with --image-size/--channels, eval's bits/dim line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { estimateLogLikelihood } from '../../src/eval/loglik.js';
import { disposeRun, runFromCheckpoint } from '../../src/io/run.js';
import { isLatentVariableModel } from '../../src/models/types.js';
import { initBackend } from '../../src/node/backend.js';
import { loadDataset } from '../../src/node/datasets.js';
import { loadCheckpoint } from '../../src/node/runFiles.js';
import { buildOnce, removeTempDirs, tempDir, transcript, vaekit, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

/** 2 classes x 10 images of assorted sizes, PNG and JPEG, smooth colour ramps. */
function photos(cwd: string): string {
  const dir = join(cwd, 'photos');
  for (const [c, cls] of ['cats', 'dogs'].entries()) {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const width = 9 + i;
      const height = 12 + 2 * c;
      const data = Buffer.alloc(width * height * 4);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([(x * 20 + i * 7) % 256, c * 200, (y * 15) % 256, 255], 4 * (y * width + x));
      if (i % 2) writeFileSync(join(dir, cls, `${i}.jpg`), jpeg.encode({ width, height, data }, 90).data);
      else {
        const png = new PNG({ width, height });
        png.data = data;
        writeFileSync(join(dir, cls, `${i}.png`), PNG.sync.write(png));
      }
    }
  }
  return dir;
}

const TINY = ['--image-size', '8', '--binarize', 'none', '--val-size', '4', '--epochs', '1', '--hidden', '16', '--latent', '2', '--batch-size', '8'];

function evalJson(cwd: string, run: string): { bitsPerDim?: { dequantized: boolean; binWidth: number; negElbo: number; negLogLikelihood?: number }; negLogLikelihood: number } {
  return JSON.parse(readFileSync(join(cwd, run, 'eval.json'), 'utf8'));
}

test('train on an image folder, eval prints bits/dim (discretized logistic: no correction)', async () => {
  const cwd = tempDir();
  photos(cwd);
  const r = await vaekitInProcess(['train', '--data', 'photos', ...TINY, '--decoder', 'discretized-logistic', '--out', 'run'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /14 training, 4 validation images of 8x8x3/, transcript(r));
  const config = JSON.parse(readFileSync(join(cwd, 'run', 'config.json'), 'utf8')) as { data: { imageSize: number; channels: number } };
  assert.deepEqual([config.data.imageSize, config.data.channels], [8, 3]);
  const e = await vaekitInProcess(['eval', 'run', '--k', '5'], cwd);
  assert.equal(e.code, 0, transcript(e));
  assert.match(e.stdout, /test bits\/dim: [\d.]+ from -log p\(x\) \(k=5\), [\d.]+ from the -ELBO \(discretized-logistic: a probability over the 256 levels, no correction\)/, transcript(e));
  const json = evalJson(cwd, 'run');
  assert.equal(json.bitsPerDim?.dequantized, false);
  assert.ok(Math.abs((json.bitsPerDim?.negLogLikelihood ?? NaN) - json.negLogLikelihood / (8 * 8 * 3) / Math.LN2) < 1e-9);
});

test('a Gaussian decoder on grey images is scored on dequantized data, with the bin-width correction', async () => {
  const cwd = tempDir();
  photos(cwd);
  const r = await vaekitInProcess(['train', '--data', 'photos', ...TINY, '--channels', '1', '--decoder', 'gaussian-learned', '--out', 'run'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /images of 8x8x1/);
  const e = await vaekitInProcess(['eval', 'run', '--k', '5'], cwd);
  assert.equal(e.code, 0, transcript(e));
  assert.match(e.stdout, /on dequantized images/);
  assert.match(e.stdout, /continuous density: \+ log 255 per dim/);
  const json = evalJson(cwd, 'run');
  assert.equal(json.bitsPerDim?.dequantized, true);
  assert.ok(Math.abs((json.bitsPerDim?.negLogLikelihood ?? NaN) - (json.negLogLikelihood / 64 + Math.log(255)) / Math.LN2) < 1e-9);
});

test('eval estimates -log p(x) of a continuous density on the same dequantized images as its -ELBO', async () => {
  const cwd = tempDir();
  photos(cwd);
  const r = vaekit(['train', '--data', 'photos', ...TINY, '--channels', '1', '--decoder', 'gaussian-learned', '--min-log-var', '-9', '--out', 'run'], cwd);
  assert.equal(r.code, 0, transcript(r));
  const e = vaekit(['eval', 'run', '--k', '5', '--seed', '3', '--engine', 'portable', '--backend', 'cpu'], cwd);
  assert.equal(e.code, 0, transcript(e));
  // The estimate again in this process, with and without the dequantization eval should apply.
  await initBackend('cpu');
  const path = join(cwd, 'run', 'last.ckpt');
  const run = runFromCheckpoint(loadCheckpoint(path), path);
  try {
    const { test: images } = await loadDataset({ data: join(cwd, 'photos'), imageSize: 8, channels: 1 });
    const model = run.model;
    assert.ok(isLatentVariableModel(model));
    const dequantized = await estimateLogLikelihood(model, images, { k: 5, seed: 3, dequantize: { seed: 3 } });
    const exact = await estimateLogLikelihood(model, images, { k: 5, seed: 3 });
    const reported = evalJson(cwd, 'run').negLogLikelihood;
    assert.ok(Math.abs(reported + dequantized.mean) < 1e-4, `eval reported ${reported}, dequantized ${-dequantized.mean}, exact ${-exact.mean}`);
    assert.ok(Math.abs(reported + exact.mean) > 1e-3, `the dequantization changed nothing: ${reported} vs ${-exact.mean}`);
  } finally {
    disposeRun(run);
  }
});

test('--channels other than 1 or 3 is an error naming the flag', async () => {
  const cwd = tempDir();
  photos(cwd);
  const r = await vaekitInProcess(['train', '--data', 'photos', ...TINY, '--channels', '2', '--out', 'run'], cwd);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--channels 2: expected 1 \(grey\) or 3 \(RGB\)/, transcript(r));
});
