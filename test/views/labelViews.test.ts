/** Views of label-aware models: class-conditional samples, analogies, the confusion matrix. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Dataset } from '../../src/data/dataset.js';
import { confusionMatrix, errorRate } from '../../src/eval/classification.js';
import { Cvae, CVAE_DEFAULTS } from '../../src/models/cvae.js';
import { Model } from '../../src/models/types.js';
import { analogyImage } from '../../src/views/analogies.js';
import { canDecode, canDecodeGivenLabel, canEncode, canEncodeGivenLabel, decoderForLabel, LabelledDecoder, LabelledEncoder } from '../../src/views/capabilities.js';
import { confusionSvg } from '../../src/views/confusion.js';
import { labelSampleGrid, priorCodes, sampleGrid } from '../../src/views/samples.js';
import { useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [2, 2, 1];

/** A conditional model whose decoded image is the label / 10 in every pixel, recording the labels it was given. */
function labelEcho(): LabelledDecoder & LabelledEncoder & { seen: number[] } {
  const seen: number[] = [];
  return {
    latentDim: 2,
    numClasses: 10,
    seen,
    encodeMeanGiven: (x, labels) => tf.tidy(() => tf.tile(tf.reshape(labels.toFloat(), [-1, 1]), [1, 2])),
    decodeMeanGiven: (z, labels) => {
      seen.push(...labels.dataSync());
      return tf.tidy(() => tf.tile(tf.reshape(tf.div(labels.toFloat(), 10), [-1, 1]), [1, 4])) as tf.Tensor2D;
    },
  };
}

test('class-conditional samples: every code is decoded with the chosen label', () => {
  const model = labelEcho();
  const img = sampleGrid(decoderForLabel(model, 3), SHAPE, { n: 6, seed: 0, scale: 1, gap: 0, columns: 6 });
  assert.deepEqual(model.seen, new Array(6).fill(3));
  for (let p = 0; p < img.width * img.height; p++) assert.ok(Math.abs(img.data[p * 4] - 0.3 * 255) <= 1);
  assert.throws(() => decoderForLabel(model, 10), /labels 0\.\.9/);
});

test('a trained-shape CVAE: --label decodes exactly decodeMeanGiven(z, label) for the prior draws; it is no label-free decoder', () => {
  const cvae = new Cvae({ ...CVAE_DEFAULTS, latentDim: 2, hidden: [8] }, 4, 1);
  assert.ok(canDecodeGivenLabel(cvae) && canEncodeGivenLabel(cvae));
  const asModel: Model = cvae; // the predicates narrow; keep `cvae` its own type
  assert.ok(!canDecode(asModel) && !canEncode(asModel), 'a CVAE needs the label to encode or decode');
  const z = priorCodes(5, 2, 4);
  const direct = tf.tidy(() => Array.from(cvae.decodeMeanGiven(tf.tensor2d(z, [5, 2]), tf.tensor1d([7, 7, 7, 7, 7], 'int32')).dataSync() as Float32Array));
  const other = tf.tidy(() => Array.from(cvae.decodeMeanGiven(tf.tensor2d(z, [5, 2]), tf.tensor1d([2, 2, 2, 2, 2], 'int32')).dataSync() as Float32Array));
  const img = sampleGrid(decoderForLabel(cvae, 7), SHAPE, { n: 5, seed: 4, scale: 1, gap: 0, columns: 5 });
  // Cell k's pixel (row r, column c) is decoded image k's pixel r * 2 + c.
  const pixel = (k: number, i: number) => img.data[((Math.floor(i / 2)) * img.width + k * 2 + (i % 2)) * 4];
  for (let k = 0; k < 5; k++) for (let i = 0; i < 4; i++) assert.equal(pixel(k, i), Math.round(direct[k * 4 + i] * 255));
  assert.ok(direct.some((v, i) => Math.abs(v - other[i]) > 1e-3), 'the label changes the decoded image');
  cvae.dispose();
});

test('analogies: first column the real image, then its code decoded with labels 0..9 in order', () => {
  const model = labelEcho();
  const data: Dataset = { name: 'tiny', images: Uint8Array.from([10, 10, 10, 10, 200, 200, 200, 200]), labels: Uint8Array.from([4, 8]), count: 2, shape: SHAPE };
  const img = analogyImage(model, data, [0, 1], { scale: 1, gap: 0 });
  assert.equal(img.width, 11 * 2);
  assert.equal(img.height, 2 * 2);
  const cellValue = (row: number, col: number) => img.data[(row * 2 * img.width + col * 2) * 4];
  assert.equal(cellValue(0, 0), 10);
  assert.equal(cellValue(1, 0), 200);
  // Within one grey level: c / 10 is rounded in float32 before it becomes a byte.
  for (let c = 0; c < 10; c++) for (const r of [0, 1]) assert.ok(Math.abs(cellValue(r, c + 1) - (c / 10) * 255) <= 1, `row ${r}, label ${c}: ${cellValue(r, c + 1)}`);
});

test('confusion matrix and error: counts by (true, predicted), and an SVG that shows them', () => {
  const labels = [0, 0, 1, 2, 2, 2];
  const predictions = [0, 1, 1, 2, 0, 2];
  const counts = confusionMatrix(labels, predictions, 3);
  assert.deepEqual(Array.from(counts), [1, 1, 0, 0, 1, 0, 1, 0, 2]);
  assert.equal(errorRate(labels, predictions), 2 / 6);
  const svg = confusionSvg(counts, 3, 'm2 <test>');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect /g) ?? []).length, 1 + 9);
  assert.ok(svg.includes('m2 &lt;test>'));
  assert.throws(() => confusionSvg(counts, 4, ''), /16 counts/);
});

test('samples by label: row y is sample --label y with the same seed, the same draws in every row', () => {
  const cvae = new Cvae({ ...CVAE_DEFAULTS, latentDim: 2, hidden: [8], classes: 3 }, 4, 1);
  const grid = labelSampleGrid(cvae, SHAPE, { perLabel: 4, seed: 5, scale: 1, gap: 0 });
  assert.equal(grid.width, 4 * 2);
  assert.equal(grid.height, 3 * 2);
  for (let y = 0; y < 3; y++) {
    const row = sampleGrid(decoderForLabel(cvae, y), SHAPE, { n: 4, seed: 5, scale: 1, gap: 0, columns: 4 });
    const rowBytes = grid.data.subarray(y * 2 * grid.width * 4, (y + 1) * 2 * grid.width * 4);
    assert.deepEqual(Array.from(rowBytes), Array.from(row.data), `row ${y}`);
  }
  cvae.dispose();
});
