/**
 * Image folders read as a stream: the same losses as in memory, an exact resume across the two, and a folder
 * whose float32 decode exceeds the memory given to the process training within it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { PNG } from 'pngjs';
import { fit } from '../../src/node/fit.js';
import { SessionProgress } from '../../src/node/runSession.js';
import { describeDataSet, loadTrainingData, planStorage, storageText } from '../../src/node/trainingData.js';
import { MAX_IMAGE_PIXELS } from '../../src/data/dataset.js';
import { EpochRecord } from '../../src/train/state.js';
import { BIN, buildOnce } from '../cli/helpers.js';
import { tempDir } from './fixtures.js';

const tmp = tempDir();
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A grey PNG of `side` x `side` whose pixel (x, y) is (a x + b y + c) mod 256. */
function greyPng(side: number, a: number, b: number, c: number): Buffer {
  const png = new PNG({ width: side, height: side, colorType: 0 });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = (a * x + b * y + c) & 255;
      png.data.set([v, v, v, 255], 4 * (y * side + x));
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/** A folder of `count` images, `distinct` of them different (the rest copies, so a large folder is cheap to write). */
function folder(name: string, count: number, side: number, distinct = count): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const pngs = Array.from({ length: distinct }, (_, i) => greyPng(side, (i % 7) + 1, (i % 5) + 2, 11 * i));
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `img${String(i).padStart(5, '0')}.png`), pngs[i % distinct]);
  return dir;
}

/** The figures of a history, without the seconds each epoch took. */
const figures = (history: EpochRecord[]) => history.map(({ seconds: _s, ...rest }) => rest);

const small = folder('small', 120, 12);
const config = (stream: 'always' | 'never') => ({
  model: { kind: 'vae' as const, latentDim: 2, hidden: [8] },
  train: { epochs: 2, batchSize: 25, seed: 3 },
  data: { data: small, imageSize: 12, channels: 1, binarize: 'dynamic' as const, stream },
});

/** Trains `stream` into `out`; `stopAt`: aborts after that step. Returns whether the data streamed. */
async function train(out: string, stream: 'always' | 'never', opts: { stopAt?: number; resume?: boolean } = {}): Promise<boolean> {
  const controller = new AbortController();
  let streamed: boolean | undefined;
  const onProgress = (e: SessionProgress) => {
    if (e.type === 'ready') streamed = e.data.storage.streamed;
    if (e.type === 'step' && e.info.step === opts.stopAt) controller.abort();
  };
  const run = await fit(opts.resume ? { data: { stream } } : config(stream), { out, resume: opts.resume, signal: controller.signal, onProgress });
  run.dispose();
  return streamed as boolean;
}

const history = (out: string): EpochRecord[] => JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8'));

test('a folder that fits gives the same losses streamed as in memory, and resumes exactly from a streamed run', async () => {
  const inMemory = path.join(tmp, 'memory');
  const streamed = path.join(tmp, 'streamed');
  const resumed = path.join(tmp, 'resumed');
  assert.equal(await train(inMemory, 'never'), false);
  assert.equal(await train(streamed, 'always'), true);
  assert.equal(history(inMemory).length, 2);
  assert.deepEqual(figures(history(streamed)), figures(history(inMemory)));
  // Stopped mid-way through epoch 2 while streamed, gone on with in memory: the same run.
  assert.equal(await train(resumed, 'always', { stopAt: 6 }), true);
  assert.equal(history(resumed).length, 1);
  assert.equal(await train(resumed, 'never', { resume: true }), false);
  assert.deepEqual(figures(history(resumed)), figures(history(inMemory)));
});

test('a folder whose float32 decode exceeds the memory given to the process trains streamed', { timeout: 300_000 }, () => {
  buildOnce();
  // 1300 images of 128x128 grey: 130 held out as the test split, 1170 to train on.
  const side = 128;
  const dir = folder('large', 1300, side, 16);
  const trainImages = 1170;
  // V8's heap limit is then about 70 MB, the data budget a quarter of it: the 19 MB of bytes are over it.
  const heapMb = 64;
  const float32Bytes = trainImages * side * side * 4;
  assert.ok(float32Bytes > heapMb * 1e6 * 1.1, `the float32 decode (${float32Bytes} bytes) must exceed the heap given (${heapMb} MB)`);
  const out = path.join(tmp, 'large-run');
  const args = ['train', '--data', dir, '--image-size', String(side), '--channels', '1', '--binarize', 'none', '--epochs', '1', '--batch-size', '100', '--latent', '2', '--hidden', '8', '--val-size', '20', '--out', out];
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=1', BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 240_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /data held: streamed: 19\.2 MB of training images read a batch at a time/);
  assert.match(r.stdout, /data\.stream 'auto': above the data budget of [\d.]+ MB, a quarter of V8's heap limit/);
  const [epoch] = history(out);
  assert.ok(Number.isFinite(epoch.train.total) && Number.isFinite(epoch.val?.total), JSON.stringify(epoch));
});

test('describeDataSet lists a folder without decoding it and says how training would hold it', async () => {
  const auto = await describeDataSet({ data: small, imageSize: 12, channels: 1 }, { stream: 'auto', limit: 0 });
  assert.equal(auto.train + auto.test, 120);
  assert.deepEqual(auto.shape, [12, 12, 1]);
  assert.equal(auto.storage.imageBytes, auto.train * 144);
  assert.equal(auto.storage.streamed, auto.storage.imageBytes > auto.storage.budget.bytes);
  const limited = await describeDataSet({ data: small, imageSize: 12, channels: 1 }, { stream: 'always', limit: 10 });
  assert.equal(limited.storage.streamed, true);
  assert.equal(limited.storage.imageBytes, 10 * 144);
  assert.match(storageText(limited.storage), /^streamed: 1\.4 kB of training images read a batch at a time/);
  assert.throws(() => planStorage(100, [28, 28, 1], { stream: 'always', limit: 0 }, false), /only folders of images are read as a stream/);
  assert.equal(planStorage(100, [28, 28, 1], { stream: 'never', limit: 0 }, true).streamed, false);
});

test('a streamed folder refuses an oversized or foreign file from its first bytes, before training', async () => {
  const dir = folder('declared', 6, 4);
  // A PNG signature and IHDR declaring 30000x30000, then nothing: refused from the header.
  const ihdr = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(ihdr);
  ihdr.writeUInt32BE(30000, 16);
  ihdr.writeUInt32BE(30000, 20);
  writeFileSync(path.join(dir, 'huge.png'), ihdr);
  const spec = { data: dir, imageSize: 4, channels: 1 };
  await assert.rejects(loadTrainingData(spec, { stream: 'always', limit: 0 }), { message: `${path.join(dir, 'huge.png')}: PNG of 30000x30000 pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image` });
  writeFileSync(path.join(dir, 'huge.png'), 'not an image');
  await assert.rejects(loadTrainingData(spec, { stream: 'always', limit: 0 }), /huge\.png: not a PNG or JPEG file/);
});
