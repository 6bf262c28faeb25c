import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnistFraming } from '../../web/src/digitInput.js';

/** A width x height canvas of zeros with a filled rectangle of ink. */
function canvas(width: number, height: number, rect: [number, number, number, number]): Float32Array {
  const ink = new Float32Array(width * height);
  const [x0, y0, w, h] = rect;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * width + x] = 1;
  return ink;
}

function stats(img: Float32Array, side: number) {
  let mass = 0, mx = 0, my = 0, x0 = side, x1 = -1, y0 = side, y1 = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = img[y * side + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
      if (v > 0.05) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  }
  return { mass, cx: mx / mass, cy: my / mass, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

test('a drawing is scaled into a 20-pixel box and centred by mass in the 28x28 field, like MNIST', () => {
  // A tall bar far in a corner of a 280x280 pad.
  const out = mnistFraming(canvas(280, 280, [200, 10, 40, 160]), 280, 280)!;
  const s = stats(out, 28);
  assert.equal(s.height, 20, 'the longer side fills the 20-pixel box');
  assert.equal(s.width, 5, 'the aspect ratio is kept (40:160 -> 5:20)');
  assert.ok(Math.abs(s.cx - 14) <= 0.5 && Math.abs(s.cy - 14) <= 0.5, `centre of mass at (${s.cx}, ${s.cy})`);
  // Box averaging keeps the ink's share: 5 x 20 fully inked pixels.
  assert.ok(Math.abs(s.mass - 100) < 1e-3, `ink ${s.mass}`);
});

test('an off-centre wide shape keeps its mass centred too; nothing drawn gives null', () => {
  const out = mnistFraming(canvas(100, 60, [0, 30, 100, 10]), 100, 60)!;
  const s = stats(out, 28);
  assert.equal(s.width, 20);
  assert.equal(s.height, 2);
  assert.ok(Math.abs(s.cx - 14) <= 0.5 && Math.abs(s.cy - 14) <= 0.5, `centre of mass at (${s.cx}, ${s.cy})`);
  assert.equal(mnistFraming(new Float32Array(100), 10, 10), null);
});
