/** Pixel-level checks of images and grids: a known image lands in its known cell, separators between. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellOrigin, gridLayout, imageGrid } from '../../src/views/grid.js';
import { imageFromIntensities, imagesFromBatch, RgbaImage, upscaleNearest } from '../../src/views/image.js';

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const p = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(p, p + 4));
}

/** A grey h x w image whose pixel (x, y) has intensity code(x, y) / 255. */
function greyImage(h: number, w: number, code: (x: number, y: number) => number): RgbaImage {
  const v = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) v[y * w + x] = code(x, y) / 255;
  return imageFromIntensities(v, [h, w, 1]);
}

test('grey intensities become equal R, G, B bytes, clipped to [0, 1], opaque', () => {
  const img = imageFromIntensities([0, 0.5, 1, 1.7, -0.2, 0.25], [2, 3, 1]);
  assert.equal(img.width, 3);
  assert.equal(img.height, 2);
  assert.deepEqual(pixel(img, 1, 0), [128, 128, 128, 255]);
  assert.deepEqual(pixel(img, 0, 1), [255, 255, 255, 255]);
  assert.deepEqual(pixel(img, 1, 1), [0, 0, 0, 255]);
  assert.deepEqual(pixel(img, 2, 1), [64, 64, 64, 255]);
});

test('RGB intensities are read channels last, row-major', () => {
  // 1 x 2 image: a red pixel, then a pixel with distinct channels.
  const img = imageFromIntensities([1, 0, 0, 0.2, 0.4, 0.6], [1, 2, 3]);
  assert.deepEqual(pixel(img, 0, 0), [255, 0, 0, 255]);
  assert.deepEqual(pixel(img, 1, 0), [51, 102, 153, 255]);
  assert.throws(() => imageFromIntensities(new Float32Array(8), [2, 2, 2]), /2 channels/);
});

test('nearest-neighbour upscaling turns each pixel into a scale x scale block', () => {
  const src = greyImage(2, 3, (x, y) => 10 * (y * 3 + x) + 5);
  const big = upscaleNearest(src, 3);
  assert.equal(big.width, 9);
  assert.equal(big.height, 6);
  for (let y = 0; y < 6; y++) for (let x = 0; x < 9; x++) assert.deepEqual(pixel(big, x, y), pixel(src, Math.floor(x / 3), Math.floor(y / 3)), `(${x}, ${y})`);
  assert.throws(() => upscaleNearest(src, 1.5), /integer/);
});

/** Checks every pixel of a grid: cells hold their (upscaled) image, everything else is background. */
function assertGrid(cells: RgbaImage[], out: RgbaImage, opts: { columns: number; scale: number; gap: number; background: [number, number, number] }): void {
  const layout = gridLayout(cells.length, cells[0].width, cells[0].height, opts);
  assert.equal(out.width, layout.width);
  assert.equal(out.height, layout.height);
  const owner = new Int32Array(out.width * out.height).fill(-1);
  cells.forEach((cell, i) => {
    const { x: x0, y: y0 } = cellOrigin(layout, Math.floor(i / opts.columns), i % opts.columns);
    for (let y = 0; y < layout.cellHeight; y++) {
      for (let x = 0; x < layout.cellWidth; x++) {
        owner[(y0 + y) * out.width + x0 + x] = i;
        const want = pixel(cell, Math.floor(x / opts.scale), Math.floor(y / opts.scale));
        const got = pixel(out, x0 + x, y0 + y);
        if (got.join() !== want.join()) assert.fail(`cell ${i} pixel (${x}, ${y}): ${got} vs ${want}`);
      }
    }
  });
  for (let p = 0; p < owner.length; p++) {
    if (owner[p] < 0) assert.deepEqual(pixel(out, p % out.width, Math.floor(p / out.width)), [...opts.background, 255], `separator pixel ${p}`);
  }
}

test('28x28 grey cells: cell i at row i / columns, column i % columns, 1-pixel separators at 2x', () => {
  // Each cell is distinct everywhere: intensity depends on the cell index and the position.
  const cells = Array.from({ length: 7 }, (_, i) => greyImage(28, 28, (x, y) => (i * 31 + x * 3 + y * 5) % 256));
  const opts = { columns: 3, scale: 2, gap: 1, background: [128, 128, 128] as [number, number, number] };
  const out = imageGrid(cells, opts);
  assert.equal(out.width, 3 * 56 + 2);
  assert.equal(out.height, 3 * 56 + 2);
  assertGrid(cells, out, opts);
  // Spot check by hand: cell 4 (row 1, column 1) starts at (57, 57); its pixel (0, 0) has code 4 * 31.
  assert.deepEqual(pixel(out, 57, 57), [124, 124, 124, 255]);
  assert.deepEqual(pixel(out, 56, 57), [128, 128, 128, 255]);
});

test('32x32 RGB cells keep their colours and positions at 3x with a 2-pixel gap', () => {
  const batch = new Float32Array(5 * 32 * 32 * 3);
  for (let i = 0; i < 5; i++) {
    for (let p = 0; p < 32 * 32; p++) {
      batch[(i * 1024 + p) * 3] = i / 4; // red encodes the cell
      batch[(i * 1024 + p) * 3 + 1] = (p % 32) / 31; // green the column
      batch[(i * 1024 + p) * 3 + 2] = Math.floor(p / 32) / 31; // blue the row
    }
  }
  const cells = imagesFromBatch(batch, 5, [32, 32, 3]);
  const opts = { columns: 2, scale: 3, gap: 2, background: [10, 20, 30] as [number, number, number] };
  const out = imageGrid(cells, opts);
  assert.equal(out.width, 2 * 96 + 2);
  assert.equal(out.height, 3 * 96 + 2 * 2);
  assertGrid(cells, out, opts);
  // The empty sixth cell is background.
  assert.deepEqual(pixel(out, 98 + 50, 2 * 98 + 50), [10, 20, 30, 255]);
});

test('grids refuse cells of different sizes and an empty list', () => {
  assert.throws(() => imageGrid([greyImage(2, 2, () => 0), greyImage(3, 2, () => 0)]), /differ in size/);
  assert.throws(() => imageGrid([]), /at least one cell/);
});
