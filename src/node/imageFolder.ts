/**
 * A folder of the user's PNG and JPEG images as a data set: walks the folder (sub-folders give labels), splits
 * train/test by path (src/data/imageFolder.ts), and decodes each file in worker threads (src/node/decodePool.ts,
 * src/node/imageDecode.ts), fitting it to the chosen square size at once (so large photos are never held):
 * all at start (loadImageFolder), or a batch at a time as a stream (openImageFolder).
 */
import { readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { Dataset } from '../data/dataset.js';
import { FolderPart, folderSplit, ImageFolderOptions } from '../data/imageFolder.js';
import { readWhole, StreamedDataset } from '../data/streamed.js';
import { DecodePool, FolderFiles, InThreadReader } from './decodePool.js';
import { FileType, fileTypeText } from './files.js';

export { decodeImage } from './imageDecode.js';

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

/** A folder opened to be read as a stream: its train and test sets, and the decoding threads that read them. */
export interface OpenedImageFolder {
  train: StreamedDataset;
  test: StreamedDataset;
  /** Reads both sets; close it when done. */
  pool: DecodePool | InThreadReader;
  /** The folder's files by position, for another reader. */
  files: FolderFiles;
}

/**
 * Opens a folder of images as streamed train and test sets of [imageSize, imageSize, channels] (see
 * `ImageFolderOptions` for the defaults): the files are listed, labelled and split, nothing is decoded. Reads
 * decode in `threads` worker threads (default: defaultDecoders()), or with 0 on this thread. Errors name the folder.
 */
export function openImageFolder(dir: string, opts: ImageFolderOptions & { threads?: number } = {}): OpenedImageFolder {
  const size = opts.imageSize ?? 32;
  const channels = opts.channels ?? 3;
  const files = listImageFiles(dir);
  if (files.length === 0) throw new Error(`${dir}: no images found: expected PNG or JPEG files (${IMAGE_EXTENSIONS.join(', ')}), directly or in sub-folders`);
  const split = folderSplit(files.map((f) => f.path), dir, opts.testFraction);
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const folder = { files: split.sorted.map((p) => byPath.get(p) as Buffer), shown: split.sorted.map((p) => path.join(dir, p)), size, channels };
  const pool = opts.threads === 0 ? new InThreadReader(folder) : new DecodePool(folder, opts.threads);
  const part = ({ positions, labels }: FolderPart, name: string): StreamedDataset => ({
    name: `${dir} ${name}`,
    positions,
    reader: pool,
    ...(labels && split.classNames && { labels, classNames: split.classNames }),
    count: positions.length,
    shape: [size, size, channels],
  });
  return { train: part(split.train, 'train'), test: part(split.test, 'test'), pool, files: folder };
}

/**
 * Reads a folder of images into train and test sets in memory, decoded as a streamed read of it decodes them.
 * Errors name the folder or the file.
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<{ train: Dataset; test: Dataset }> {
  const { train, test, pool } = openImageFolder(dir, { ...opts, threads: 0 });
  try {
    return { train: await readWhole(train), test: await readWhole(test) };
  } finally {
    await pool.close();
  }
}
