import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corrupt, corruptedCount } from '../../src/data/corrupt.js';
import { Rng } from '../../src/rng.js';

const SIZE = 784;
const IMAGES = 20;

function filled(value: number): Float32Array {
  return new Float32Array(SIZE * IMAGES).fill(value);
}

/** Per image, how many pixels differ from `value`, and how many of those are 0. */
function changed(out: Float32Array, value: number): { changed: number[]; zeros: number[] } {
  const changedPer: number[] = [];
  const zerosPer: number[] = [];
  for (let i = 0; i < IMAGES; i++) {
    let c = 0;
    let z = 0;
    for (let p = i * SIZE; p < (i + 1) * SIZE; p++) {
      if (out[p] !== value) c++;
      if (out[p] === 0) z++;
    }
    changedPer.push(c);
    zerosPer.push(z);
  }
  return { changed: changedPer, zeros: zerosPer };
}

test('masking noise zeroes exactly the stated fraction of each image, at different places per image', () => {
  for (const level of [0, 0.1, 0.25, 0.5, 1]) {
    const out = corrupt(filled(1), SIZE, 'mask', level, new Rng(1));
    assert.deepEqual(changed(out, 1).zeros, new Array(IMAGES).fill(corruptedCount(SIZE, level)), `level ${level}`);
  }
  const out = corrupt(filled(1), SIZE, 'mask', 0.25, new Rng(1));
  assert.notDeepEqual(out.subarray(0, SIZE), out.subarray(SIZE, 2 * SIZE), 'two images masked at the same pixels');
});

test('salt-and-pepper noise sets exactly the stated fraction to 0 or 1, about half each', () => {
  const out = corrupt(filled(0.5), SIZE, 'saltpepper', 0.3, new Rng(2));
  const { changed: c, zeros } = changed(out, 0.5);
  assert.deepEqual(c, new Array(IMAGES).fill(corruptedCount(SIZE, 0.3)));
  for (let p = 0; p < out.length; p++) assert.ok(out[p] === 0.5 || out[p] === 0 || out[p] === 1);
  const zeroShare = zeros.reduce((a, b) => a + b, 0) / c.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(zeroShare - 0.5) < 0.05, `share of pepper ${zeroShare}`);
});

test('Gaussian noise adds N(0, sigma^2) to every pixel', () => {
  const x = filled(0.5);
  const out = corrupt(x, SIZE, 'gaussian', 0.2, new Rng(3));
  let sum = 0;
  let sq = 0;
  for (let p = 0; p < out.length; p++) {
    const d = out[p] - x[p];
    sum += d;
    sq += d * d;
  }
  const n = out.length;
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(Math.sqrt(sq / n - (sum / n) ** 2) - 0.2) < 0.01, `std ${Math.sqrt(sq / n)}`);
});

test('corruption is seeded: same stream, same corruption; another stream, another; the input is not touched', () => {
  for (const noise of ['mask', 'gaussian', 'saltpepper'] as const) {
    const x = filled(0.5);
    const a = corrupt(x, SIZE, noise, 0.2, new Rng(7, 8, 1));
    const b = corrupt(x, SIZE, noise, 0.2, new Rng(7, 8, 1));
    const c = corrupt(x, SIZE, noise, 0.2, new Rng(7, 8, 2));
    assert.deepEqual(a, b, noise);
    assert.notDeepEqual(a, c, noise);
    assert.deepEqual(x, filled(0.5), `${noise} changed its input`);
  }
});

test('a fraction outside [0, 1] or a ragged batch is refused', () => {
  assert.throws(() => corrupt(filled(1), SIZE, 'mask', 1.5, new Rng(0)), /fraction in \[0, 1\]/);
  assert.throws(() => corrupt(filled(1), SIZE, 'gaussian', -1, new Rng(0)), /standard deviation/);
  assert.throws(() => corrupt(new Float32Array(10), SIZE, 'mask', 0.1, new Rng(0)), /whole number of images/);
});
