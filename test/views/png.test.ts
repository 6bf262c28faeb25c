/** PNG files: what is written decodes to the same pixels, in the smallest exact colour type. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng, encodePng, pngDataUri, writePng } from '../../src/node/png.js';
import { filledImage, RgbaImage } from '../../src/views/image.js';

const dir = mkdtempSync(join(tmpdir(), 'vaekit-png-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Colour type byte of the IHDR chunk (PNG spec 11.2.2): 8-byte signature, length, "IHDR", w, h, depth, type. */
function colorType(png: Uint8Array): number {
  return png[25];
}

function randomImage(w: number, h: number, kind: 'grey' | 'rgb' | 'rgba'): RgbaImage {
  const img = filledImage(w, h, [0, 0, 0]);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  for (let p = 0; p < w * h * 4; p += 4) {
    const v = next();
    img.data[p] = v;
    img.data[p + 1] = kind === 'grey' ? v : next();
    img.data[p + 2] = kind === 'grey' ? v : next();
    img.data[p + 3] = kind === 'rgba' ? next() : 255;
  }
  return img;
}

for (const [kind, type] of [['grey', 0], ['rgb', 2], ['rgba', 6]] as const) {
  test(`a ${kind} image survives the round trip through a PNG file (colour type ${type})`, () => {
    const img = randomImage(37, 23, kind);
    const path = join(dir, `${kind}.png`);
    writePng(path, img);
    const bytes = new Uint8Array(readFileSync(path));
    assert.deepEqual(Array.from(bytes.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
    assert.equal(colorType(bytes), type);
    const back = decodePng(bytes);
    assert.equal(back.width, 37);
    assert.equal(back.height, 23);
    assert.deepEqual(back.data, img.data);
  });
}

test('writePng leaves no temporary file; the data: URI holds the same PNG', () => {
  const img = randomImage(5, 4, 'rgb');
  writePng(join(dir, 'uri.png'), img);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
  const uri = pngDataUri(img);
  assert.match(uri, /^data:image\/png;base64,/);
  assert.deepEqual(decodePng(new Uint8Array(Buffer.from(uri.split(',')[1], 'base64'))).data, img.data);
  assert.deepEqual(decodePng(encodePng(img)).data, img.data);
});
