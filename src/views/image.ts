/**
 * Images as plain pixel buffers: what every view returns, whether it ends in a PNG file (Node) or a canvas
 * (browser).
 */

/** An RGBA image, 8 bits per channel, row-major, 4 bytes per pixel (the layout of canvas ImageData). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An opaque image of one colour [r, g, b] (0..255). */
export function filledImage(width: number, height: number, rgb: readonly [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < data.length; p += 4) {
    data[p] = rgb[0];
    data[p + 1] = rgb[1];
    data[p + 2] = rgb[2];
    data[p + 3] = 255;
  }
  return { width, height, data };
}

/**
 * One image from intensities in [0, 1] laid out [height, width, channels] (channels last, as in `Dataset`):
 * 1 channel is grey, 3 are RGB. Values outside [0, 1] are clipped. `offset` is where the image starts in
 * `values`, so a batch of decoded images can be cut without copying.
 */
export function imageFromIntensities(values: ArrayLike<number>, shape: readonly [number, number, number], offset = 0): RgbaImage {
  const [height, width, channels] = shape;
  if (channels !== 1 && channels !== 3) throw new Error(`images with ${channels} channels cannot be shown: expected 1 (grey) or 3 (RGB)`);
  const size = height * width * channels;
  if (offset + size > values.length) throw new Error(`image of ${shape.join('x')} at ${offset} runs past the ${values.length} values given`);
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[offset + p * channels + (channels === 1 ? 0 : c)];
      data[p * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** `count` images from a flat batch of intensities [count, height * width * channels]. */
export function imagesFromBatch(values: ArrayLike<number>, count: number, shape: readonly [number, number, number]): RgbaImage[] {
  const size = shape[0] * shape[1] * shape[2];
  return Array.from({ length: count }, (_, i) => imageFromIntensities(values, shape, i * size));
}

/** Nearest-neighbour upscaling by an integer factor: each pixel becomes a scale x scale block, no blurring. */
export function upscaleNearest(img: RgbaImage, scale: number): RgbaImage {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be an integer >= 1, got ${scale}`);
  if (scale === 1) return img;
  const width = img.width * scale;
  const height = img.height * scale;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < img.height; y++) {
    // Build one upscaled row, then repeat it `scale` times.
    const rowStart = y * scale * width * 4;
    for (let x = 0; x < width; x++) {
      const from = (y * img.width + Math.floor(x / scale)) * 4;
      data.set(img.data.subarray(from, from + 4), rowStart + x * 4);
    }
    for (let k = 1; k < scale; k++) data.copyWithin(rowStart + k * width * 4, rowStart, rowStart + width * 4);
  }
  return { width, height, data };
}

/** Copies `src` into `dst` with its top-left corner at (x, y); the caller keeps it inside. */
export function blit(dst: RgbaImage, src: RgbaImage, x: number, y: number): void {
  for (let row = 0; row < src.height; row++) {
    const from = row * src.width * 4;
    dst.data.set(src.data.subarray(from, from + src.width * 4), ((y + row) * dst.width + x) * 4);
  }
}
