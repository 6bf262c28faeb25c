import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDatasetBinary, encodeDatasetBinary } from '../../src/data/datasetBinary.js';
import { Dataset } from '../../src/data/dataset.js';
import { decodeCodes, encodeCodes } from '../../src/io/codes.js';

function tiny(labels: boolean, channels = 1): Dataset {
  const count = 3;
  const shape: [number, number, number] = [2, 5, channels];
  const images = Uint8Array.from({ length: count * 10 * channels }, (_, i) => (i * 37) % 256);
  return { name: 'tiny ü', images, labels: labels ? Uint8Array.from([7, 0, 9]) : undefined, count, shape };
}

test('a data set survives the binary message: name, shape, labels and every pixel', () => {
  for (const [labels, channels] of [[true, 1], [false, 1], [true, 3]] as const) {
    const d = tiny(labels, channels);
    const back = decodeDatasetBinary(encodeDatasetBinary(d), 'msg');
    assert.equal(back.name, d.name);
    assert.deepEqual(back.shape, d.shape);
    assert.equal(back.count, d.count);
    assert.deepEqual(back.images, d.images);
    assert.deepEqual(back.labels, d.labels);
  }
});

test('a broken data set message is refused with the source and what was expected', () => {
  const bytes = encodeDatasetBinary(tiny(true));
  assert.throws(() => decodeDatasetBinary(bytes.subarray(0, bytes.length - 1), 'api/data/train'), /^Error: api\/data\/train: expected \d+ bytes for 3 images of 2x5x1, found/);
  assert.throws(() => decodeDatasetBinary(new Uint8Array(40), 'x'), /x: not a vaekit data set message/);
  const wrongVersion = bytes.slice();
  wrongVersion[7] = 9;
  assert.throws(() => decodeDatasetBinary(wrongVersion, 'x'), /unsupported version 9/);
  const badChannels = bytes.slice();
  new DataView(badChannels.buffer).setUint32(20, 2, true);
  assert.throws(() => decodeDatasetBinary(badChannels, 'x'), /bad image shape 2x5x2/);
});

test('codes with labels survive their file; a truncated one is refused', () => {
  const codes = Float32Array.from([0.5, -1.25, 3e-8, 7, Math.PI, -0]);
  const labels = Uint8Array.from([1, 2, 3]);
  const back = decodeCodes(encodeCodes({ codes, latentDim: 2, labels }), 'c.bin');
  assert.deepEqual(back.codes, codes);
  assert.equal(back.latentDim, 2);
  assert.deepEqual(back.labels, labels);
  const unlabelled = decodeCodes(encodeCodes({ codes, latentDim: 3 }), 'c.bin');
  assert.equal(unlabelled.labels, undefined);
  assert.throws(() => encodeCodes({ codes, latentDim: 4 }), /not rows of the latent size 4/);
  const bytes = encodeCodes({ codes, latentDim: 2, labels });
  assert.throws(() => decodeCodes(bytes.subarray(0, bytes.length - 2), 'demo/test-codes.bin'), /demo\/test-codes.bin: expected 47 bytes for 3 codes of 2 dimensions, found 45/);
});
