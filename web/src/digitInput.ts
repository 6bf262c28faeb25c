/**
 * A drawing turned into an MNIST-like input. MNIST's digits were size-normalized to fit a 20x20 box keeping
 * their aspect ratio, then centred by centre of mass in the 28x28 field (LeCun, Cortes & Burges, "The MNIST
 * database", yann.lecun.com/exdb/mnist); a model trained on it expects the same framing.
 */

/** Ink below this (in [0, 1]) is background when finding the drawing's bounding box. */
const INK = 0.05;

/**
 * `ink` [height, width] in [0, 1] (row-major) -> a side x side image in [0, 1]: the drawing scaled by box
 * averaging to fit a box of 20/28 of the side, then shifted so its centre of mass is the field's centre.
 * Null when nothing is drawn.
 */
export function mnistFraming(ink: ArrayLike<number>, width: number, height: number, side = 28): Float32Array | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const box = Math.round((side * 20) / 28);
  const scale = box / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale));
  const sh = Math.max(1, Math.round(bh * scale));

  // Box filter: each small pixel is the mean of the source pixels its footprint covers (weighted by overlap).
  const small = new Float32Array(sw * sh);
  const fx = bw / sw;
  const fy = bh / sh;
  for (let ty = 0; ty < sh; ty++) {
    const sy0 = y0 + ty * fy;
    const sy1 = sy0 + fy;
    for (let tx = 0; tx < sw; tx++) {
      const sx0 = x0 + tx * fx;
      const sx1 = sx0 + fx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(sy0); y < Math.ceil(sy1); y++) {
        const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
        for (let x = Math.floor(sx0); x < Math.ceil(sx1); x++) {
          const w = wy * (Math.min(x + 1, sx1) - Math.max(x, sx0));
          sum += w * ink[y * width + x];
          area += w;
        }
      }
      small[ty * sw + tx] = area > 0 ? sum / area : 0;
    }
  }

  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const dx = Math.round(side / 2 - mx / mass);
  const dy = Math.round(side / 2 - my / mass);
  const out = new Float32Array(side * side);
  for (let y = 0; y < sh; y++) {
    const oy = y + dy;
    if (oy < 0 || oy >= side) continue;
    for (let x = 0; x < sw; x++) {
      const ox = x + dx;
      if (ox >= 0 && ox < side) out[oy * side + ox] = Math.min(1, small[y * sw + x]);
    }
  }
  return out;
}
