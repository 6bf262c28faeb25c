/** Putting images (intensities in [0, 1]) on canvases, through the same pixel code as the CLI's PNGs. */
import { imageFromIntensities, RgbaImage } from '../../src/views/image.js';

export function drawRgba(canvas: HTMLCanvasElement, img: RgbaImage): void {
  if (canvas.width !== img.width) canvas.width = img.width;
  if (canvas.height !== img.height) canvas.height = img.height;
  const data = new ImageData(new Uint8ClampedArray(img.data), img.width, img.height);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
}

/** One image of `shape` [height, width, channels] from `values` at `offset`. */
export function drawIntensities(canvas: HTMLCanvasElement, values: ArrayLike<number>, shape: readonly [number, number, number], offset = 0): void {
  drawRgba(canvas, imageFromIntensities(values, shape, offset));
}
