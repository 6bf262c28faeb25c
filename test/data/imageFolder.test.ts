import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { MAX_IMAGE_PIXELS } from '../../src/data/dataset.js';
import { imageDimensions } from '../../src/data/imageHeader.js';
import { testPaths } from '../../src/data/imageFolder.js';
import { fitImage } from '../../src/data/resize.js';
import { loadDataset } from '../../src/node/datasets.js';
import { decodeImageAsync, loadSharp } from '../../src/node/imageDecode.js';
import { decodeImage, listImageFiles, loadImageFolder } from '../../src/node/imageFolder.js';
import { escapeRegExp, folderMaker, tempDir } from './fixtures.js';

const tmp = tempDir();
after(() => rmSync(tmp, { recursive: true, force: true }));

type Rgb = [number, number, number];

function pngOf(width: number, height: number, colour: Rgb): Buffer {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) png.data.set([...colour, 255], 4 * p);
  return PNG.sync.write(png);
}

function jpegOf(width: number, height: number, colour: Rgb): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...colour, 255], 4 * p);
  return jpeg.encode({ width, height, data }, 95).data;
}

const folder = folderMaker(tmp);

const RED: Rgb = [200, 30, 40];
const BLUE: Rgb = [20, 60, 220];

test('fitImage: centre crop, area averaging when shrinking, BT.601 grey', () => {
  // 4x2 RGB: columns 0..3 have red 0, 100, 200, 255; the centred 2x2 square is columns 1..2.
  const wide = { width: 4, height: 2, channels: 3 as const, data: Uint8Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? [0, 100, 200, 255][Math.floor(i / 3) % 4] : 0)) };
  assert.deepEqual([...fitImage(wide, 2, 3)], [100, 0, 0, 200, 0, 0, 100, 0, 0, 200, 0, 0]);
  assert.deepEqual([...fitImage(wide, 1, 3)], [150, 0, 0]); // (100 + 200 + 100 + 200) / 4
  // 3x3 grey to 2x2: each output covers 1.5x1.5 input pixels: weights 1, 0.5, 0.5, 0.25 over 2.25.
  const grey = { width: 3, height: 3, channels: 1 as const, data: Uint8Array.from([0, 90, 180, 90, 90, 90, 180, 90, 0]) };
  const topLeft = (0 * 1 + 90 * 0.5 + 90 * 0.5 + 90 * 0.25) / 2.25;
  assert.equal(fitImage(grey, 2, 1)[0], Math.round(topLeft));
  // grey = 0.299 R + 0.587 G + 0.114 B; alpha composites over black
  const px = { width: 1, height: 1, channels: 4 as const, data: Uint8Array.from([200, 100, 50, 255]) };
  assert.deepEqual([...fitImage(px, 1, 1)], [Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)]);
  assert.deepEqual([...fitImage({ ...px, data: Uint8Array.from([200, 100, 50, 0]) }, 1, 3)], [0, 0, 0]);
});

test('fitImage: bilinear when enlarging, with pixel centres aligned', () => {
  const two = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.from([0, 200]) };
  // crop to the centred 1x1 square (column 0, as floor((2-1)/2) = 0): a constant
  assert.deepEqual([...fitImage(two, 3, 1)], new Array(9).fill(0));
  const sq = { width: 2, height: 2, channels: 1 as const, data: Uint8Array.from([0, 200, 0, 200]) };
  // output x at (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1
  assert.deepEqual([...fitImage(sq, 4, 1).subarray(0, 4)], [0, 50, 150, 200]);
});

test('a folder of PNG and JPEG images of different sizes, labels from sub-folders', async () => {
  const dir = folder({
    'cats/a.png': pngOf(40, 30, RED),
    'cats/b.jpg': jpegOf(64, 64, RED),
    'cats/deeper/c.JPEG': jpegOf(13, 50, RED),
    'dogs/d.png': pngOf(20, 50, BLUE),
    'dogs/e.jpeg': jpegOf(33, 17, BLUE),
    'dogs/notes.txt': 'not an image',
    '.hidden/x.png': pngOf(5, 5, BLUE),
    'dogs/.DS_Store': 'x',
  });
  assert.deepEqual(listImageFiles(dir).map((f) => f.path), ['cats/a.png', 'cats/b.jpg', 'cats/deeper/c.JPEG', 'dogs/d.png', 'dogs/e.jpeg']);
  const loaded = await loadDataset({ data: dir, imageSize: 8, channels: 3 });
  const { train, test: held } = loaded;
  assert.equal(train.count + held.count, 5);
  assert.equal(held.count, 1); // round(0.1 * 5) = 0, but at least one
  for (const d of [train, held]) {
    assert.deepEqual(d.shape, [8, 8, 3]);
    assert.deepEqual(d.classNames, ['cats', 'dogs']);
    for (let i = 0; i < d.count; i++) {
      const colour = [RED, BLUE][d.labels?.[i] ?? -1];
      for (let p = 0; p < 64; p++) {
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(d.images[(i * 64 + p) * 3 + c] - colour[c]) <= 6, `${d.name} image ${i} pixel ${p}`);
      }
    }
  }
  assert.deepEqual([...train.labels!, ...held.labels!].sort(), [0, 0, 0, 1, 1]);
  const grey = await loadImageFolder(dir, { imageSize: 4, channels: 1 });
  assert.deepEqual(grey.train.shape, [4, 4, 1]);
  const luma = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
  for (let i = 0; i < grey.train.count; i++) {
    assert.ok(Math.abs(grey.train.images[i * 16] - luma([RED, BLUE][grey.train.labels![i]])) <= 6);
  }
});

test('a folder without sub-folders has no labels; the split depends on the paths only', async () => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 30; i++) files[`img${i}.png`] = pngOf(3 + (i % 4), 5, [i, i, i]);
  const dir = folder(files);
  const { train, test: held } = await loadImageFolder(dir, { imageSize: 2 });
  assert.equal(train.labels, undefined);
  assert.equal(train.classNames, undefined);
  assert.equal(held.count, 3);
  assert.equal(train.count, 27);
  const paths = Object.keys(files);
  const chosen = testPaths(paths, 0.1);
  assert.deepEqual([...testPaths([...paths].reverse(), 0.1)].sort(), [...chosen].sort());
  // the held-out images are exactly the chosen paths (each image's grey level is its index)
  const heldLevels = Array.from({ length: held.count }, (_, i) => held.images[i * 12]);
  assert.deepEqual(heldLevels.sort((a, b) => a - b), [...chosen].map((p) => Number(/\d+/.exec(p)![0])).sort((a, b) => a - b));
  assert.throws(() => testPaths(paths, 1), /test fraction 1: expected a number in \(0, 1\)/);
});

test('bad folders and files are errors naming them', async () => {
  const mixed = folder({ 'top.png': pngOf(2, 2, RED), 'sub/a.png': pngOf(2, 2, RED) });
  await assert.rejects(loadImageFolder(mixed), /images both at the top \(top.png\) and in sub-folders \(sub\/a.png\)/);
  const empty = folder({ 'readme.txt': 'no images' });
  await assert.rejects(loadDataset({ data: empty }), { message: new RegExp(`^${escapeRegExp(empty)}: no images found: expected PNG or JPEG`) });
  const one = folder({ 'a.png': pngOf(2, 2, RED) });
  await assert.rejects(loadImageFolder(one), /found 1 PNG or JPEG images: expected at least 2/);
  const truncated = folder({ 'a.png': pngOf(9, 9, RED).subarray(0, 40), 'b.png': pngOf(2, 2, RED) });
  await assert.rejects(loadImageFolder(truncated), { message: new RegExp(`^${escapeRegExp(path.join(truncated, 'a.png'))}: cannot decode PNG`) });
  const badJpeg = folder({ 'a.jpg': jpegOf(16, 16, RED).subarray(0, 60), 'b.png': pngOf(2, 2, RED) });
  await assert.rejects(loadImageFolder(badJpeg), { message: new RegExp(`^${escapeRegExp(path.join(badJpeg, 'a.jpg'))}: cannot decode JPEG`) });
  const notImage = folder({ 'a.jpg': 'hello', 'b.png': pngOf(2, 2, RED) });
  await assert.rejects(loadImageFolder(notImage), { message: `${path.join(notImage, 'a.jpg')}: not a PNG or JPEG file (its first bytes match neither format)` });
  await assert.rejects(loadDataset({ data: one, channels: 2 }), { message: '--channels 2: expected 1 (grey) or 3 (RGB)' });
});

/** PNG bytes of a valid signature and IHDR declaring `width` x `height` (RGBA, 8 bits), then IEND: no pixels. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IEND', Buffer.alloc(0))]);
}

/** JPEG bytes: SOI, an APP0 segment, then a baseline SOF0 declaring `width` x `height` of 3 components, then EOI. */
function jpegHeaderOnly(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

test('an image over 4096x4096 pixels is refused from its header, before decoding', async () => {
  const dir = folder({ 'huge.png': pngHeaderOnly(30000, 30000), 'big.jpg': jpegHeaderOnly(5000, 4000), 'ok.png': pngOf(2, 2, RED) });
  assert.throws(() => decodeImage(readFileSync(path.join(dir, 'huge.png')), path.join(dir, 'huge.png')), {
    message: `${path.join(dir, 'huge.png')}: PNG of 30000x30000 pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image`,
  });
  await assert.rejects(loadImageFolder(dir), {
    message: `${path.join(dir, 'big.jpg')}: JPEG of 5000x4000 pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image`,
  });
  // Within the cap by pixels, whatever the shape: 8192x2048 is 16 Mpixel.
  assert.deepEqual(imageDimensions(pngHeaderOnly(8192, 2048)), { format: 'PNG', width: 8192, height: 2048 });
  assert.deepEqual(imageDimensions(jpegOf(13, 50, RED)), { format: 'JPEG', width: 13, height: 50 });
  assert.equal(imageDimensions(Buffer.from('hello')), null);
});

test('a file name that is not valid UTF-8 is read, its bad bytes shown as \\xNN', async () => {
  const dir = folder({ 'a.png': pngOf(2, 2, RED), 'b.png': pngOf(2, 2, BLUE) });
  // 'c', the byte ff (never valid in UTF-8), '.png': a name only a Buffer path reaches.
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0x63, 0xff]), Buffer.from('.png')]), pngOf(2, 2, RED));
  assert.deepEqual(listImageFiles(dir).map((f) => f.path), ['a.png', 'b.png', 'c\\xff.png']);
  const { train, test: held } = await loadImageFolder(dir, { imageSize: 2 });
  assert.equal(train.count + held.count, 3);
});

test('symbolic links to images and to folders are followed; one to nothing is named', { skip: process.platform === 'win32' && 'symbolic links need privileges' }, async () => {
  const elsewhere = folder({ 'x.png': pngOf(2, 2, RED), 'more/y.png': pngOf(2, 2, BLUE) });
  const dir = folder({ 'cats/a.png': pngOf(2, 2, RED), 'dogs/b.png': pngOf(2, 2, BLUE) });
  symlinkSync(path.join(elsewhere, 'x.png'), path.join(dir, 'cats', 'linked.png'));
  symlinkSync(path.join(elsewhere, 'more'), path.join(dir, 'birds'));
  symlinkSync('..', path.join(dir, 'dogs', 'loop')); // a folder that holds itself is walked once
  symlinkSync(path.join(elsewhere, 'nothing'), path.join(dir, 'dogs', 'notes')); // no image's name: skipped
  assert.deepEqual(listImageFiles(dir).map((f) => f.path), ['birds/y.png', 'cats/a.png', 'cats/linked.png', 'dogs/b.png']);
  assert.deepEqual((await loadImageFolder(dir, { imageSize: 2 })).train.classNames, ['birds', 'cats', 'dogs']);
  symlinkSync(path.join(elsewhere, 'gone.png'), path.join(dir, 'cats', 'gone.png'));
  assert.throws(() => listImageFiles(dir), { message: `${path.join(dir, 'cats', 'gone.png')}: a symbolic link to ${path.join(elsewhere, 'gone.png')}, which does not exist` });
});

test('a FIFO with an image name is refused at once, not skipped nor read forever', { skip: process.platform === 'win32' && 'no FIFOs', timeout: 10_000 }, async () => {
  const dir = folder({ 'a.png': pngOf(2, 2, RED), 'b.png': pngOf(2, 2, BLUE) });
  execFileSync('mkfifo', [path.join(dir, 'c.png')]);
  await assert.rejects(loadImageFolder(dir), { message: `${path.join(dir, 'c.png')}: expected a regular file, found a FIFO (named pipe)` });
});

test('sharp, where it loads, decodes 8-bit PNGs to the pixels pngjs gives, so a machine without it reads them alike', async (t) => {
  if ((await loadSharp()) === null) return t.skip('sharp does not load here');
  const side = 9;
  for (const colorType of [0, 2, 4, 6] as const) {
    const png = new PNG({ width: side, height: side, colorType, inputHasAlpha: true });
    for (let p = 0; p < side * side; p++) png.data.set([(p * 7) & 255, (p * 13) & 255, (p * 3) & 255, (p * 5) & 255], 4 * p);
    const bytes = PNG.sync.write(png, { colorType, inputHasAlpha: true });
    const bySharp = await decodeImageAsync(bytes, 'x.png');
    assert.deepEqual([...bySharp.data], [...decodeImage(bytes, 'x.png').data], `PNG colour type ${colorType}`);
  }
  await assert.rejects(decodeImageAsync(pngOf(9, 9, RED).subarray(0, 40), 'cut.png'), /^Error: cut\.png: cannot decode PNG/);
  await assert.rejects(decodeImageAsync(pngHeaderOnly(30000, 30000), 'huge.png'), /huge\.png: PNG of 30000x30000 pixels: expected at most/);
});
