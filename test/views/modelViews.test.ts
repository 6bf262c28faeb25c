/** Views drawn from a model: each cell holds the decoded image it should, and no tensor is left behind. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Model } from '../../src/models/types.js';
import { canDecode, canEncode, hasStandardNormalPrior } from '../../src/views/capabilities.js';
import { datasetImages, decodeToImages, encodeImages } from '../../src/views/decode.js';
import { cellOrigin, gridLayout } from '../../src/views/grid.js';
import { imageFromIntensities, RgbaImage, upscaleNearest } from '../../src/views/image.js';
import { interpolationImage } from '../../src/views/interpolation.js';
import { normalQuantile } from '../../src/prob/normalQuantile.js';
import { manifoldImage } from '../../src/views/manifold.js';
import { reconstructionGrid } from '../../src/views/reconstructions.js';
import { priorCodes, sampleGrid } from '../../src/views/samples.js';
import { traversalImage } from '../../src/views/traversal.js';
import { assertNoLeak, useTestBackend } from '../helpers/engine.js';
import { syntheticDataset, tinyVae } from './fixtures.js';

before(async () => {
  await useTestBackend();
});

/** The upscaled cell at grid position (row, column), cut out of a grid image. */
function cellAt(grid: RgbaImage, cellW: number, cellH: number, count: number, columns: number, scale: number, row: number, column: number): RgbaImage {
  const layout = gridLayout(count, cellW, cellH, { columns, scale });
  const { x, y } = cellOrigin(layout, row, column);
  const out = new Uint8Array(layout.cellWidth * layout.cellHeight * 4);
  for (let r = 0; r < layout.cellHeight; r++) out.set(grid.data.subarray(((y + r) * grid.width + x) * 4, ((y + r) * grid.width + x + layout.cellWidth) * 4), r * layout.cellWidth * 4);
  return { width: layout.cellWidth, height: layout.cellHeight, data: out };
}

/** The model's decoded mean of one code, as an image. */
function decodeOne(model: ReturnType<typeof tinyVae>, z: number[], shape: [number, number, number]): RgbaImage {
  return imageFromIntensities(tf.tidy(() => model.decodeMean(tf.tensor2d([z])).dataSync()), shape);
}

test('manifold cells are the decoded Gaussian quantile codes, for RGB images too', async () => {
  const shape: [number, number, number] = [4, 3, 3];
  const model = tinyVae(shape, 3);
  const { image } = await assertNoLeak(() => manifoldImage(model, shape, { grid: 4, dims: [2, 0], scale: 2 }));
  const q = [0.125, 0.375, 0.625, 0.875].map(normalQuantile);
  for (const [r, c] of [[0, 0], [1, 3], [3, 2]]) {
    const want = upscaleNearest(decodeOne(model, [q[3 - r], 0, q[c]], shape), 2);
    assert.deepEqual(cellAt(image, 3, 4, 16, 4, 2, r, c).data, want.data, `cell (${r}, ${c})`);
  }
  model.dispose();
});

test('reconstructions: each input beside the decoding of its mean code', async () => {
  const shape: [number, number, number] = [5, 4, 1];
  const model = tinyVae(shape, 2);
  const data = syntheticDataset(shape, 9);
  const grid = await assertNoLeak(() => reconstructionGrid(model, data, [4, 7, 1], { scale: 1, pairsPerRow: 2 }));
  assert.equal(grid.width, 4 * 4 + 3);
  assert.equal(grid.height, 2 * 5 + 1);
  const [x7] = datasetImages(data, [7]);
  const z7 = Array.from(encodeImages(model, data, [7]));
  assert.deepEqual(cellAt(grid, 4, 5, 6, 4, 1, 0, 2).data, x7.data, 'input 7 at row 0, column 2');
  assert.deepEqual(cellAt(grid, 4, 5, 6, 4, 1, 0, 3).data, decodeOne(model, z7, shape).data, 'its reconstruction at row 0, column 3');
  model.dispose();
});

test('samples are the decoded prior draws, the same for the same seed', async () => {
  const shape: [number, number, number] = [6, 6, 1];
  const model = tinyVae(shape, 4);
  const a = await assertNoLeak(() => sampleGrid(model, shape, { n: 5, seed: 3, scale: 1 }));
  assert.deepEqual(sampleGrid(model, shape, { n: 5, seed: 3, scale: 1 }).data, a.data);
  assert.notDeepEqual(sampleGrid(model, shape, { n: 5, seed: 4, scale: 1 }).data, a.data);
  const z = priorCodes(5, 4, 3);
  assert.deepEqual(cellAt(a, 6, 6, 5, 3, 1, 1, 1).data, decodeOne(model, Array.from(z.subarray(16, 20)), shape).data, 'sample 4 at row 1, column 1');
  model.dispose();
});

test('interpolation starts and ends with the two test images; traversal has one row per dimension', async () => {
  const shape: [number, number, number] = [4, 4, 1];
  const model = tinyVae(shape, 3);
  const data = syntheticDataset(shape, 5);
  const img = await assertNoLeak(() => interpolationImage(model, data, { from: 2, to: 4, steps: 6, spherical: true, scale: 1 }));
  assert.equal(img.width, 8 * 4 + 7);
  const [x2, x4] = datasetImages(data, [2, 4]);
  assert.deepEqual(cellAt(img, 4, 4, 8, 8, 1, 0, 0).data, x2.data);
  assert.deepEqual(cellAt(img, 4, 4, 8, 8, 1, 0, 7).data, x4.data);
  const t = await assertNoLeak(() => traversalImage(model, shape, { steps: 5, range: 3, scale: 2 }));
  assert.equal(t.height, 3 * 8 + 2);
  assert.equal(t.width, 5 * 8 + 4);
  assert.deepEqual(cellAt(t, 4, 4, 15, 5, 2, 1, 4).data, upscaleNearest(decodeOne(model, [0, 3, 0], shape), 2).data, 'dimension 1 at +3');
  assert.equal(decodeToImages(model, new Float32Array(3 * 1200), shape).length, 1200, 'decoded in chunks');
  model.dispose();
});

test('capabilities are read from the interface, not the kind', () => {
  const vae = tinyVae([2, 2, 1], 2);
  assert.ok(canEncode(vae) && canDecode(vae) && hasStandardNormalPrior(vae));
  vae.dispose();
  const base = { kind: 'fake', params: null, lossTerms: () => null, dispose: () => undefined } as unknown as Model;
  const decoderOnly = { ...base, latentDim: 2, decodeMean: (z: tf.Tensor2D) => z, prior: null } as unknown as Model;
  assert.ok(canDecode(decoderOnly));
  assert.ok(!canEncode(decoderOnly));
  assert.ok(!hasStandardNormalPrior(decoderOnly), 'prior: null means nothing to sample from');
  const encoderOnly = { ...base, latentDim: 2, encodeMean: (x: tf.Tensor2D) => x } as unknown as Model;
  assert.ok(canEncode(encoderOnly) && !canDecode(encoderOnly) && !hasStandardNormalPrior(encoderOnly));
  assert.ok(!canDecode({ ...base, decodeMean: () => null } as unknown as Model), 'no latentDim');
});
