import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idxDataset, idxImages, idxLabels, parseIdx } from '../../src/data/idx.js';
import { MAX_IMAGE_PIXELS } from '../../src/data/dataset.js';
import { idxBytes } from './fixtures.js';

const SRC = '/x/train-images-idx3-ubyte';

test('parseIdx reads dims big-endian and returns the data after the header', () => {
  const bytes = idxBytes([2, 3, 0x104], undefined);
  const { dims, data } = parseIdx(bytes, SRC);
  assert.deepEqual(dims, [2, 3, 260]);
  assert.equal(data.length, 2 * 3 * 260);
  assert.equal(data[0], 0);
  assert.equal(data[257], 1);
  assert.equal(data.byteOffset, 4 + 3 * 4);
});

test('parseIdx works on a view that does not start at offset 0', () => {
  const inner = idxBytes([3], [7, 8, 9]);
  const outer = new Uint8Array(inner.length + 5);
  outer.set(inner, 5);
  const { dims, data } = parseIdx(outer.subarray(5), SRC);
  assert.deepEqual(dims, [3]);
  assert.deepEqual([...data], [7, 8, 9]);
});

test('parseIdx rejects a bad magic, naming the file and the bytes found', () => {
  const bytes = idxBytes([1]);
  bytes[1] = 0x42;
  assert.throws(() => parseIdx(bytes, SRC), { message: `${SRC}: not an IDX file: expected magic bytes 00 00, found 00 42` });
});

test('parseIdx says gzip data needs decompressing', () => {
  const bytes = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]);
  assert.throws(() => parseIdx(bytes, SRC), { message: /^\/x\/train-images-idx3-ubyte: not an IDX file: .*found 1f 8b \(gzip data/ });
});

test('parseIdx rejects element types other than unsigned byte', () => {
  assert.throws(() => parseIdx(idxBytes([1], [0], 0x0d), SRC), {
    message: `${SRC}: unsupported IDX element type: expected 0x08 (unsigned byte), found 0x0d (float32)`,
  });
  assert.throws(() => parseIdx(idxBytes([1], [0], 0x42), SRC), /found 0x42 \(unknown type\)/);
});

test('parseIdx rejects truncated headers', () => {
  assert.throws(() => parseIdx(new Uint8Array([0, 0]), SRC), { message: `${SRC}: truncated IDX header: expected at least 4 bytes, found 2` });
  assert.throws(() => parseIdx(idxBytes([5, 5, 5]).subarray(0, 10), SRC), {
    message: `${SRC}: truncated IDX header: expected 16 bytes for 3 dimensions, found 10`,
  });
  assert.throws(() => parseIdx(new Uint8Array([0, 0, 8, 0]), SRC), /declares 0 dimensions/);
});

test('parseIdx rejects truncated data with expected and found sizes', () => {
  const bytes = idxBytes([60000, 28, 28]).subarray(0, 1000);
  assert.throws(() => parseIdx(bytes, SRC), { message: `${SRC}: truncated: expected 47040016 bytes for dims [60000, 28, 28], found 1000` });
});

test('parseIdx rejects trailing bytes', () => {
  const good = idxBytes([2, 2]);
  const bytes = new Uint8Array(good.length + 3);
  bytes.set(good);
  assert.throws(() => parseIdx(bytes, SRC), { message: `${SRC}: 3 trailing bytes: expected 16 bytes for dims [2, 2], found 19` });
});

test('idxImages needs 3 dims and gives a one-channel shape', () => {
  const images = idxImages(parseIdx(idxBytes([4, 2, 3]), SRC), SRC);
  assert.equal(images.count, 4);
  assert.deepEqual(images.shape, [2, 3, 1]);
  assert.throws(() => idxImages(parseIdx(idxBytes([4]), SRC), SRC), {
    message: `${SRC}: expected an image file with 3 dimensions [count, height, width], found 1 [4]`,
  });
});

test('idxImages refuses a file of no images, images of no pixels, and images over the size cap', () => {
  assert.throws(() => idxImages(parseIdx(idxBytes([0, 28, 28]), SRC), SRC), { message: `${SRC}: holds 0 images: expected at least one` });
  for (const dims of [[4, 0, 0], [4, 28, 0]]) {
    assert.throws(() => idxImages(parseIdx(idxBytes(dims), SRC), SRC), {
      message: `${SRC}: images of ${dims[1]}x${dims[2]} pixels: expected a height and width of at least 1`,
    });
  }
  // Checked on the header alone: the pixels of so large an image are never needed to refuse it.
  assert.throws(() => idxImages({ dims: [1, 5000, 4000], data: new Uint8Array(0) }, SRC), {
    message: `${SRC}: images of 5000x4000 pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image`,
  });
});

test('idxLabels needs 1 dim', () => {
  assert.deepEqual([...idxLabels(parseIdx(idxBytes([3], [1, 2, 3]), 'l'), 'l')], [1, 2, 3]);
  assert.throws(() => idxLabels(parseIdx(idxBytes([3, 1]), 'l'), 'l'), { message: 'l: expected a label file with 1 dimension [count], found 2 [3, 1]' });
});

test('idxDataset pairs images with labels', () => {
  const d = idxDataset('tiny', idxBytes([2, 2, 2]), 'img', idxBytes([2], [3, 9]), 'lab');
  assert.equal(d.name, 'tiny');
  assert.equal(d.count, 2);
  assert.deepEqual(d.shape, [2, 2, 1]);
  assert.deepEqual([...d.images], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...(d.labels ?? [])], [3, 9]);
});

test('idxDataset rejects a count mismatch, naming both files', () => {
  assert.throws(() => idxDataset('tiny', idxBytes([2, 2, 2]), '/d/imgs', idxBytes([3]), '/d/labs'), {
    message: '/d/imgs holds 2 images but /d/labs holds 3 labels: expected equal counts',
  });
});

test('idxDataset names the label file when it is the broken one', () => {
  const labels = idxBytes([2]);
  labels[2] = 0x0c;
  assert.throws(() => idxDataset('tiny', idxBytes([2, 2, 2]), '/d/imgs', labels, '/d/labs'), { message: /^\/d\/labs: unsupported IDX element type/ });
});
