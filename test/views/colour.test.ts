/**
 * The views on colour images from a conv VAE: every pixel of a sample grid, a reconstruction grid and an
 * interpolation row is the decoded (or given) RGB value, channels last, and survives the PNG file.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ConvVae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { decodePng, encodePng } from '../../src/node/png.js';
import { encodeImages } from '../../src/views/decode.js';
import { RgbaImage } from '../../src/views/image.js';
import { interpolationImage } from '../../src/views/interpolation.js';
import { reconstructionGrid } from '../../src/views/reconstructions.js';
import { priorCodes, sampleGrid } from '../../src/views/samples.js';
import { assertNoLeak, useTestBackend } from '../helpers/engine.js';
import { syntheticDataset } from './fixtures.js';

before(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [6, 4, 3];
const [H, W] = SHAPE;

function convVae(): ConvVae {
  return new ConvVae({ ...VAE_DEFAULTS, latentDim: 2, hidden: [], net: 'conv', channels: [3] }, H * W * 3, 5, SHAPE);
}

/** Decoded means [n, H * W * 3] of codes [n, 2]. */
function decode(model: ConvVae, z: Float32Array): Float32Array {
  return tf.tidy(() => model.decodeMean(tf.tensor2d(z, [z.length / 2, 2])).dataSync() as Float32Array);
}

/** The RGB bytes at pixel (x, y) of an image. */
function rgb(img: RgbaImage, x: number, y: number): number[] {
  const p = (y * img.width + x) * 4;
  return [img.data[p], img.data[p + 1], img.data[p + 2]];
}

/** Checks every pixel of the cell at grid position (row, column) (scale 1, no gap) against intensities [H, W, 3]. */
function assertCell(grid: RgbaImage, row: number, column: number, values: ArrayLike<number>, offset: number, what: string): void {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const want = [0, 1, 2].map((c) => Math.round(Math.min(1, Math.max(0, values[offset + (y * W + x) * 3 + c])) * 255));
      assert.deepEqual(rgb(grid, column * W + x, row * H + y), want, `${what}: pixel (${x}, ${y})`);
    }
  }
}

test('a colour sample grid holds each decoded RGB image in its cell, and is not grey', async () => {
  const model = convVae();
  const grid = await assertNoLeak(() => sampleGrid(model, SHAPE, { n: 4, seed: 3, scale: 1, gap: 0, columns: 2 }));
  assert.equal(grid.width, 2 * W);
  assert.equal(grid.height, 2 * H);
  const means = decode(model, priorCodes(4, 2, 3));
  for (let i = 0; i < 4; i++) assertCell(grid, Math.floor(i / 2), i % 2, means, i * H * W * 3, `sample ${i}`);
  let coloured = false;
  for (let p = 0; p < grid.data.length; p += 4) coloured ||= grid.data[p] !== grid.data[p + 1] || grid.data[p + 1] !== grid.data[p + 2];
  assert.ok(coloured, 'some pixel has different red, green and blue');
  assert.deepEqual(decodePng(encodePng(grid)).data, grid.data, 'the PNG file keeps every colour');
  model.dispose();
});

test('colour reconstructions and interpolations: the images as given, and the decoded codes', async () => {
  const model = convVae();
  const data = syntheticDataset(SHAPE, 5);
  const grid = await assertNoLeak(() => reconstructionGrid(model, data, [3, 1], { scale: 1, gap: 0, pairsPerRow: 1 }));
  const bytesOf = (i: number) => Float32Array.from(data.images.subarray(i * H * W * 3, (i + 1) * H * W * 3), (b) => b / 255);
  const recon = decode(model, encodeImages(model, data, [3, 1]));
  assertCell(grid, 0, 0, bytesOf(3), 0, 'input 3');
  assertCell(grid, 0, 1, recon, 0, 'reconstruction of 3');
  assertCell(grid, 1, 0, bytesOf(1), 0, 'input 1');
  assertCell(grid, 1, 1, recon, H * W * 3, 'reconstruction of 1');

  const row = await assertNoLeak(() => interpolationImage(model, data, { from: 0, to: 4, steps: 3, scale: 1, gap: 0 }));
  assert.equal(row.width, 5 * W);
  const ends = encodeImages(model, data, [0, 4]);
  const mid = Float32Array.from([0, 1], (d) => (ends[d] + ends[2 + d]) / 2);
  assertCell(row, 0, 0, bytesOf(0), 0, 'from');
  assertCell(row, 0, 2, decode(model, mid), 0, 'the midpoint of the linear path');
  assertCell(row, 0, 4, bytesOf(4), 0, 'to');
  model.dispose();
});
