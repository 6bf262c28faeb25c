import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSize } from '../../src/data/dataset.js';
import { binarizeDataset, binarizeInPlace, gatherBatch, limit, splitValidation, subset } from '../../src/data/transforms.js';
import { Rng, Stream, permutation } from '../../src/rng.js';
import { tinyDataset } from './fixtures.js';

/** Image i of `d` as a plain array. */
function image(d: ReturnType<typeof tinyDataset>, i: number): number[] {
  const size = imageSize(d);
  return [...d.images.subarray(i * size, (i + 1) * size)];
}

test('subset copies the chosen images and labels in the given order', () => {
  const d = tinyDataset(5);
  const s = subset(d, [4, 0, 4], 'picked');
  assert.equal(s.name, 'picked');
  assert.equal(s.count, 3);
  assert.deepEqual(s.shape, d.shape);
  assert.deepEqual([image(s, 0), image(s, 1), image(s, 2)], [image(d, 4), image(d, 0), image(d, 4)]);
  assert.deepEqual([...(s.labels ?? [])], [4, 0, 4]);
  s.images[0] = 99;
  assert.equal(d.images[4 * imageSize(d)], 28);
});

test('subset rejects indices out of range', () => {
  assert.throws(() => subset(tinyDataset(3), [0, 3]), { message: 'tiny: index 3 out of range: expected an integer in [0, 3)' });
  assert.throws(() => subset(tinyDataset(3), [1.5]), /index 1.5 out of range/);
});

test('subset of a data set without labels has none', () => {
  const d = { ...tinyDataset(3), labels: undefined };
  assert.equal(subset(d, [1]).labels, undefined);
});

test('splitValidation holds out the first valSize of the seeded permutation, sorted; train keeps its order', () => {
  const d = tinyDataset(20);
  const { train, val } = splitValidation(d, 6, 42);
  assert.ok(val);
  const expectedVal = [...permutation(20, new Rng(42, Stream.split)).slice(0, 6)].sort((a, b) => a - b);
  const expectedTrain = Array.from({ length: 20 }, (_, i) => i).filter((i) => !expectedVal.includes(i));
  assert.deepEqual([...(val.labels ?? [])], expectedVal.map((i) => i % 10));
  assert.deepEqual(Array.from({ length: 6 }, (_, k) => image(val, k)), expectedVal.map((i) => image(d, i)));
  assert.deepEqual(Array.from({ length: 14 }, (_, k) => image(train, k)), expectedTrain.map((i) => image(d, i)));
  assert.equal(train.count + val.count, d.count);
});

test('splitValidation is deterministic in its seed', () => {
  const d = tinyDataset(50);
  assert.deepEqual(splitValidation(d, 10, 1).val?.images, splitValidation(d, 10, 1).val?.images);
  assert.notDeepEqual(splitValidation(d, 10, 1).val?.images, splitValidation(d, 10, 2).val?.images);
});

test('splitValidation with valSize 0 gives no validation set', () => {
  const d = tinyDataset(5);
  const { train, val } = splitValidation(d, 0, 1);
  assert.equal(val, undefined);
  assert.equal(train, d);
});

test('splitValidation rejects a validation set that leaves no training images', () => {
  assert.throws(() => splitValidation(tinyDataset(5), 5, 1), { message: 'tiny: validation size 5 leaves no training images: expected less than 5' });
  assert.throws(() => splitValidation(tinyDataset(5), -1, 1), /validation size must be a non-negative integer, found -1/);
});

test('gatherBatch gives byte/255 floats for indices[start..end)', () => {
  const d = tinyDataset(6);
  const indices = [5, 2, 0, 3];
  const x = gatherBatch(d, indices, 1, 3);
  const expected = [...image(d, 2), ...image(d, 0)].map((b) => Math.fround(b / 255));
  assert.deepEqual([...x], expected);
  const full = { ...d, images: Uint8Array.from([0, 255, 128, 1, 2, 3]), count: 1 };
  assert.deepEqual([...gatherBatch(full, [0], 0, 1)], [0, 1, Math.fround(128 / 255), Math.fround(1 / 255), Math.fround(2 / 255), Math.fround(3 / 255)]);
});

test('gatherBatch fills a reusable buffer and returns its leading part', () => {
  const d = tinyDataset(6);
  const out = new Float32Array(3 * imageSize(d)).fill(-1);
  const x = gatherBatch(d, [0, 1, 2, 3, 4], 3, 5, out);
  assert.equal(x.buffer, out.buffer);
  assert.equal(x.length, 2 * imageSize(d));
  assert.deepEqual([...x], [...image(d, 3), ...image(d, 4)].map((b) => Math.fround(b / 255)));
  assert.equal(out[2 * imageSize(d)], -1);
  assert.throws(() => gatherBatch(d, [0, 1], 0, 2, new Float32Array(5)), { message: 'tiny: batch buffer holds 5 floats, expected at least 12' });
});

test('gatherBatch rejects bad ranges and indices', () => {
  const d = tinyDataset(3);
  assert.throws(() => gatherBatch(d, [0, 1], 1, 3), { message: 'tiny: batch range [1, 3) outside the 2 indices' });
  assert.throws(() => gatherBatch(d, [0, 7], 0, 2), /index 7 out of range/);
});

test('binarizeInPlace draws x_i = 1 with probability x_i from the given stream', () => {
  const n = 100_000;
  const x = new Float32Array(n).map((_, i) => [0, 0.3, 1][i % 3]);
  const rng = new Rng(9, Stream.binarize, 0);
  const check = new Rng(9, Stream.binarize, 0);
  const expected = Array.from(x, (p) => (check.uniform() < p ? 1 : 0));
  assert.equal(binarizeInPlace(x, rng), x);
  assert.deepEqual([...x], expected);
  let ones = 0;
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) assert.equal(x[i], 0);
    if (i % 3 === 2) assert.equal(x[i], 1);
    if (i % 3 === 1) ones += x[i];
  }
  // Binomial(33333, 0.3): sd ~ 84, so 5 sd is ~0.013 in the mean.
  assert.ok(Math.abs(ones / 33_333 - 0.3) < 0.013, `mean ${ones / 33_333}`);
});

test('binarizeDataset is binarizeInPlace over the whole set drawn from Stream.staticBinarize, as 0/255', () => {
  const d = tinyDataset(40);
  const before = d.images.slice();
  const b = binarizeDataset(d, 3);
  const all = Array.from({ length: d.count }, (_, i) => i);
  const x = binarizeInPlace(gatherBatch(d, all, 0, d.count), new Rng(3, Stream.staticBinarize));
  assert.deepEqual([...b.images], [...x].map((v) => v * 255));
  assert.deepEqual(b.labels, d.labels);
  assert.deepEqual(b.shape, d.shape);
  assert.equal(b.count, d.count);
  assert.deepEqual(d.images, before);
  assert.deepEqual(binarizeDataset(d, 3).images, b.images);
  assert.notDeepEqual(binarizeDataset(d, 4).images, b.images);
});

test('limit keeps the first n images without copying', () => {
  const d = tinyDataset(5);
  const l = limit(d, 2);
  assert.equal(l.count, 2);
  assert.deepEqual([image(l, 0), image(l, 1)], [image(d, 0), image(d, 1)]);
  assert.deepEqual([...(l.labels ?? [])], [0, 1]);
  assert.equal(l.images.buffer, d.images.buffer);
  assert.equal(limit(d, 5), d);
  assert.equal(limit(d, 9), d);
  assert.equal(limit(d, 0).count, 0);
  assert.throws(() => limit(d, -1), { message: 'tiny: limit must be a non-negative integer, found -1' });
});
