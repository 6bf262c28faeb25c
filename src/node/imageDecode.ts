/**
 * One image file to the bytes of a training image: read, its declared size checked from the header, decoded by
 * sharp (libvips) where sharp loads, else by pngjs or jpeg-js, then fitted to the square size (src/data/resize.ts).
 * Every reader of image folders decodes here, so a folder gives the same pixels in memory and streamed.
 */
import { MAX_IMAGE_PIXELS } from '../data/dataset.js';
import { imageDimensions } from '../data/imageHeader.js';
import { AnyPixelImage, fitImage } from '../data/resize.js';
import jpeg from 'jpeg-js';
import { closeSync, openSync, readSync } from 'node:fs';
import { NotAFileError, readRegularFileSync } from './files.js';
import { decodePng } from './png.js';

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp | null> | null = null;

/** sharp, or null where its native part does not load (an unsupported platform, a failed install). */
export function loadSharp(): Promise<Sharp | null> {
  sharpModule ??= import('sharp').then(
    (m) => {
      const sharp = m.default;
      // libvips' operation cache would hold decoded images beyond the batch that needed them.
      sharp.cache(false);
      return sharp;
    },
    () => null,
  );
  return sharpModule;
}

/** Which decoder `decodeImageFile` uses here. */
export async function decoderName(): Promise<string> {
  const sharp = await loadSharp();
  return sharp ? `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})` : 'pngjs and jpeg-js (sharp did not load)';
}

function formatOf(bytes: Uint8Array): 'PNG' | 'JPEG' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'PNG';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  return null;
}

/** The format of `bytes` by their magic bytes; an image declaring more than MAX_IMAGE_PIXELS is refused before decoding. */
function checkedFormat(bytes: Uint8Array, file: string): 'PNG' | 'JPEG' {
  const format = formatOf(bytes);
  if (format === null) throw new Error(`${file}: not a PNG or JPEG file (its first bytes match neither format)`);
  const declared = imageDimensions(bytes);
  if (declared && declared.width * declared.height > MAX_IMAGE_PIXELS) {
    throw new Error(`${file}: ${declared.format} of ${declared.width}x${declared.height} pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image`);
  }
  return format;
}

/**
 * Decodes PNG or JPEG bytes with pngjs or jpeg-js, chosen by their magic bytes, not the name; errors name
 * `file`. An image declaring more than MAX_IMAGE_PIXELS is refused from its header, before decoding.
 */
export function decodeImage(bytes: Uint8Array, file: string): AnyPixelImage {
  const format = checkedFormat(bytes, file);
  try {
    if (format === 'PNG') return { ...decodePng(bytes), channels: 4 };
    // The same cap inside the decoder, for a frame header the scan above did not reach.
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    return { width: img.width, height: img.height, channels: 4, data: img.data };
  } catch (e) {
    throw new Error(`${file}: cannot decode ${format} (${(e as Error).message})`);
  }
}

/**
 * `decodeImage` through sharp where it loads: sRGB with alpha, 8 bits a channel; sharp's limitInputPixels
 * holds the same cap for a header the scan did not read.
 */
export async function decodeImageAsync(bytes: Uint8Array, file: string): Promise<AnyPixelImage> {
  const sharp = await loadSharp();
  if (!sharp) return decodeImage(bytes, file);
  const format = checkedFormat(bytes, file);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' }).toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`${info.channels} channels after conversion to RGBA`);
    return { width: info.width, height: info.height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new Error(`${file}: cannot decode ${format} (${(e as Error).message})`);
  }
}

/** Reads and decodes the image at `file` (its path's bytes) and fits it to `size` x `size` x `channels`; errors name `shown`. */
export async function decodeImageFile(file: Buffer | string, shown: string, size: number, channels: 1 | 3): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFileSync(file);
  } catch (e) {
    if (e instanceof NotAFileError) throw new Error(`${shown}: expected a regular file, found ${e.kind}`);
    throw new Error(`${shown}: cannot read: ${(e as Error).message}`);
  }
  const image = await decodeImageAsync(bytes, shown);
  try {
    return fitImage(image, size, channels);
  } catch (e) {
    throw new Error(`${shown}: ${(e as Error).message}`);
  }
}

/** Bytes of a file's start that a header check reads: a PNG's IHDR, and a JPEG's frame header unless metadata comes first. */
const HEADER_BYTES = 4096;

/**
 * Checks, before training starts, what each file's first bytes declare: a PNG or JPEG, of at most
 * MAX_IMAGE_PIXELS. A streamed folder thus refuses an oversized or foreign file at once rather than when a
 * batch reaches it; a JPEG whose frame header lies beyond the bytes read is checked when it is decoded.
 */
export function checkDeclaredSizes(files: (Buffer | string)[], shown: string[]): void {
  const head = Buffer.alloc(HEADER_BYTES);
  files.forEach((file, k) => {
    let read: number;
    try {
      const fd = openSync(file, 'r');
      try {
        read = readSync(fd, head, 0, HEADER_BYTES, 0);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw new Error(`${shown[k]}: cannot read: ${(e as Error).message}`);
    }
    checkedFormat(head.subarray(0, read), shown[k]);
  });
}
