/**
 * Fitting a decoded image of any size to a square `size` x `size` training image: the largest centred
 * square is cropped, then resampled (area averaging when shrinking, bilinear when enlarging, separably),
 * then reduced to grey or RGB.
 */
import { PixelImage } from './cifar.js';

/** An image of any channel count as decoders hand it over: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
export interface AnyPixelImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

/** One output sample as a weighted sum of input samples along one axis. */
interface Taps {
  index: number[];
  weight: number[];
}

/**
 * Weights that map `n` input samples starting at `offset` onto `m` output samples. Shrinking (m <= n):
 * each output averages the input interval it covers, [o n/m, (o+1) n/m), with partial samples weighted by
 * their overlap (box filter, as OpenCV's INTER_AREA). Enlarging: bilinear interpolation between the two
 * nearest input centres, with pixel centres aligned (half-pixel convention).
 */
function resampleTaps(n: number, m: number, offset: number): Taps[] {
  const scale = n / m;
  const taps: Taps[] = [];
  for (let o = 0; o < m; o++) {
    const index: number[] = [];
    const weight: number[] = [];
    if (scale >= 1) {
      const lo = o * scale;
      const hi = lo + scale;
      for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
        const w = Math.min(hi, i + 1) - Math.max(lo, i);
        if (w > 1e-9) {
          index.push(offset + i);
          weight.push(w / scale);
        }
      }
    } else {
      const x = Math.min(n - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i = Math.min(n - 2, Math.floor(x));
      const f = x - Math.max(0, i);
      if (n === 1) {
        index.push(offset);
        weight.push(1);
      } else {
        index.push(offset + i, offset + i + 1);
        weight.push(1 - f, f);
      }
    }
    taps.push({ index, weight });
  }
  return taps;
}

/** Per-pixel colour as RGB floats 0..255, alpha composited over black (a transparent pixel is black). */
function rgbPlane(img: AnyPixelImage): Float32Array {
  const { width, height, channels: c, data } = img;
  if (data.length !== width * height * c) {
    throw new Error(`image data holds ${data.length} bytes: expected ${width * height * c} for ${width}x${height}x${c}`);
  }
  const out = new Float32Array(width * height * 3);
  for (let p = 0, s = 0; p < width * height; p++, s += c) {
    const alpha = c === 2 || c === 4 ? data[s + c - 1] / 255 : 1;
    for (let k = 0; k < 3; k++) out[3 * p + k] = (c <= 2 ? data[s] : data[s + k]) * alpha;
  }
  return out;
}

/**
 * The image centre-cropped to a square, resampled to `size` x `size`, as `channels` bytes per pixel
 * (3: RGB; 1: grey as ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B), row-major, channels last.
 */
export function fitImage(img: AnyPixelImage | PixelImage, size: number, channels: 1 | 3): Uint8Array {
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`image size ${size}: expected an integer >= 1`);
  if (img.width < 1 || img.height < 1) throw new Error(`image is ${img.width}x${img.height}: expected at least 1x1 pixels`);
  const rgb = rgbPlane(img as AnyPixelImage);
  const side = Math.min(img.width, img.height);
  const x0 = Math.floor((img.width - side) / 2);
  const y0 = Math.floor((img.height - side) / 2);
  const cols = resampleTaps(side, size, x0);
  const rows = resampleTaps(side, size, y0);
  // Horizontal pass over the cropped rows, then vertical: (side x size) then (size x size).
  const across = new Float32Array(side * size * 3);
  for (let y = 0; y < side; y++) {
    const src = (y0 + y) * img.width * 3;
    for (let o = 0; o < size; o++) {
      const { index, weight } = cols[o];
      for (let k = 0; k < 3; k++) {
        let v = 0;
        for (let t = 0; t < index.length; t++) v += weight[t] * rgb[src + 3 * index[t] + k];
        across[(y * size + o) * 3 + k] = v;
      }
    }
  }
  const out = new Uint8Array(size * size * channels);
  const px = [0, 0, 0];
  for (let o = 0; o < size; o++) {
    const { index, weight } = rows[o];
    for (let x = 0; x < size; x++) {
      for (let k = 0; k < 3; k++) {
        let v = 0;
        for (let t = 0; t < index.length; t++) v += weight[t] * across[((index[t] - y0) * size + x) * 3 + k];
        px[k] = v;
      }
      const at = (o * size + x) * channels;
      if (channels === 3) for (let k = 0; k < 3; k++) out[at + k] = toByte(px[k]);
      else out[at] = toByte(0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]);
    }
  }
  return out;
}

function toByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}
