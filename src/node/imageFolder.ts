/**
 * A folder of the user's PNG and JPEG images as a data set: walks the folder (sub-folders give labels),
 * decodes each file with pngjs or jpeg-js, fits it to the chosen square size at once (so large photos are
 * never held), and splits train/test by path (src/data/imageFolder.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { Dataset, MAX_IMAGE_PIXELS } from '../data/dataset.js';
import { imageDimensions } from '../data/imageHeader.js';
import { FolderImage, ImageFolderOptions, imageFolderDatasets } from '../data/imageFolder.js';
import { AnyPixelImage, fitImage } from '../data/resize.js';
import { decodePng } from './png.js';

/** File name endings read as images (case-insensitive); other files are skipped. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/** The image files under `dir`, relative, '/'-separated, sorted; hidden files and folders are skipped. */
export function listImageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && IMAGE_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) out.push(child);
    }
  };
  walk('');
  return out;
}

/**
 * Decodes PNG or JPEG bytes, chosen by their magic bytes, not the name; errors name `file`. An image declaring
 * more than MAX_IMAGE_PIXELS is refused from its header, before decoding.
 */
export function decodeImage(bytes: Uint8Array, file: string): AnyPixelImage {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const declared = imageDimensions(bytes);
  if (declared && declared.width * declared.height > MAX_IMAGE_PIXELS) {
    throw new Error(`${file}: ${declared.format} of ${declared.width}x${declared.height} pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image`);
  }
  try {
    if (isPng) return { ...decodePng(bytes), channels: 4 };
    if (isJpeg) {
      // The same cap inside the decoder, for a frame header the scan above did not reach.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
      return { width: img.width, height: img.height, channels: 4, data: img.data };
    }
  } catch (e) {
    throw new Error(`${file}: cannot decode ${isPng ? 'PNG' : 'JPEG'} (${(e as Error).message})`);
  }
  throw new Error(`${file}: not a PNG or JPEG file (its first bytes match neither format)`);
}

/**
 * Reads a folder of images into train and test sets of [imageSize, imageSize, channels] (see
 * `ImageFolderOptions` for the defaults). Errors name the folder or the file.
 */
export function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): { train: Dataset; test: Dataset } {
  const size = opts.imageSize ?? 32;
  const channels = opts.channels ?? 3;
  const files = listImageFiles(dir);
  if (files.length === 0) throw new Error(`${dir}: no images found: expected PNG or JPEG files (${IMAGE_EXTENSIONS.join(', ')}), directly or in sub-folders`);
  const images: FolderImage[] = files.map((rel) => {
    const file = path.join(dir, rel);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new Error(`${file}: cannot read: ${(e as Error).message}`);
    }
    const image = decodeImage(bytes, file);
    try {
      return { path: rel, pixels: fitImage(image, size, channels) };
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  });
  return imageFolderDatasets(images, dir, opts);
}
