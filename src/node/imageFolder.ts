/**
 * A folder of the user's PNG and JPEG images as a data set: walks the folder (sub-folders give labels),
 * decodes each file with pngjs or jpeg-js, fits it to the chosen square size at once (so large photos are
 * never held), and splits train/test by path (src/data/imageFolder.ts).
 */
import { readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { Dataset, MAX_IMAGE_PIXELS } from '../data/dataset.js';
import { imageDimensions } from '../data/imageHeader.js';
import { FolderImage, ImageFolderOptions, imageFolderDatasets } from '../data/imageFolder.js';
import { AnyPixelImage, fitImage } from '../data/resize.js';
import { FileType, fileTypeText, NotAFileError, readRegularFileSync } from './files.js';
import { decodePng } from './png.js';

/** File name endings read as images (case-insensitive); other files are skipped. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/** An image file found in a folder. */
export interface ImageFile {
  /**
   * Its path relative to the folder, '/'-separated: the key of its label and of the split. A name that is not
   * valid UTF-8 shows each of its bytes from 0x80 up as \xNN, so two such names never read alike.
   */
  path: string;
  /** The file itself, as the exact bytes of its path: a name that is not valid UTF-8 is found all the same. */
  file: Buffer;
}

/** A file name as text: itself when it is valid UTF-8, else its bytes from 0x80 up escaped. */
function nameText(name: Buffer): string {
  const text = name.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(name)) return text;
  return Array.from(name, (b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

/**
 * The image files under `dir`, sorted by path; hidden files and folders are skipped. Symbolic links are
 * followed (a link to a folder that holds it is walked once); a broken link, or a FIFO or device, with an
 * image's name is an error naming it.
 */
export function listImageFiles(dir: string): ImageFile[] {
  const out: ImageFile[] = [];
  const sep = Buffer.from(path.sep);
  const walk = (abs: Buffer, rel: string, ancestors: Set<string>) => {
    const entries = readdirSync(abs, { withFileTypes: true, encoding: 'buffer' }).map((e) => ({ e, text: nameText(e.name) }));
    entries.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    for (const { e, text } of entries) {
      if (text.startsWith('.')) continue;
      const file = Buffer.concat([abs, sep, e.name]);
      const child = rel ? `${rel}/${text}` : text;
      const shown = path.join(dir, child);
      const isImage = IMAGE_EXTENSIONS.some((x) => text.toLowerCase().endsWith(x));
      let target: FileType = e;
      if (e.isSymbolicLink()) {
        try {
          target = statSync(file);
        } catch (err) {
          if (!isImage) continue; // a broken link without an image's name is skipped, as any such file
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${shown}: cannot follow the symbolic link: ${(err as Error).message}`);
          throw new Error(`${shown}: a symbolic link to ${readlinkSync(file, 'buffer').toString('utf8')}, which does not exist`);
        }
      }
      if (target.isDirectory()) {
        const real = realpathSync(file, 'buffer').toString('latin1');
        if (!ancestors.has(real)) walk(file, child, new Set([...ancestors, real]));
      } else if (isImage && target.isFile()) out.push({ path: child, file });
      else if (isImage) throw new Error(`${shown}: expected a regular file, found ${fileTypeText(target)}`);
    }
  };
  const root = Buffer.from(dir);
  walk(root, '', new Set([realpathSync(root, 'buffer').toString('latin1')]));
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
  const images: FolderImage[] = files.map(({ path: rel, file }) => {
    const shown = path.join(dir, rel);
    let bytes: Uint8Array;
    try {
      bytes = readRegularFileSync(file);
    } catch (e) {
      if (e instanceof NotAFileError) throw new Error(`${shown}: expected a regular file, found ${e.kind}`);
      throw new Error(`${shown}: cannot read: ${(e as Error).message}`);
    }
    const image = decodeImage(bytes, shown);
    try {
      return { path: rel, pixels: fitImage(image, size, channels) };
    } catch (e) {
      throw new Error(`${shown}: ${(e as Error).message}`);
    }
  });
  return imageFolderDatasets(images, dir, opts);
}
