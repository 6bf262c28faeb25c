/** PNG files of the views' pixel buffers, through pngjs (encoding in pure JS, zlib from Node). */
import { PNG } from 'pngjs';
import { RgbaImage } from '../views/image.js';
import { writeFileAtomic } from './files.js';

/** PNG colour types (PNG spec, section 11.2.2): the smallest that holds the image exactly. */
const GREY = 0;
const RGB = 2;
const RGBA = 6;

function smallestColorType(d: Uint8Array): number {
  let grey = true;
  for (let p = 0; p < d.length; p += 4) {
    if (d[p + 3] !== 255) return RGBA;
    if (d[p] !== d[p + 1] || d[p] !== d[p + 2]) grey = false;
  }
  return grey ? GREY : RGB;
}

/** 8 bits per channel, grey or RGB when the image allows (a grey digit grid takes a quarter of the RGBA bytes). */
export function encodePng(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  const buf = PNG.sync.write(png, { colorType: smallestColorType(img.data) as 0 | 2 | 6, inputColorType: RGBA, deflateLevel: 9 });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Any PNG pngjs reads, as RGBA. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

/** Writes a PNG atomically: a reader sees the old file or the new one. */
export function writePng(path: string, img: RgbaImage): void {
  writeFileAtomic(path, encodePng(img));
}

/** A data: URI, to inline the image in an HTML page. */
export function pngDataUri(img: RgbaImage): string {
  return `data:image/png;base64,${Buffer.from(encodePng(img)).toString('base64')}`;
}
