/**
 * A data set from a folder of the user's own images: labels come from the sub-folder names when every image
 * sits in one; the train/test split depends only on each file's path, so it is the same on every machine and
 * every run. The file walk lives in src/node/imageFolder.ts and the decoding in src/node/imageDecode.ts, which
 * fits each image to one square size with src/data/resize.ts as soon as it is decoded, so a folder of large
 * photos never sits in memory.
 */
import { Dataset } from './dataset.js';

/** One image, already fitted (`fitImage`), and where it came from. */
export interface FolderImage {
  /** Path relative to the folder, with '/' separators: `cats/tom.jpg`, or `tom.jpg` at the top. */
  path: string;
  /** imageSize x imageSize x channels bytes, row-major, channels last. */
  pixels: Uint8Array;
}

/** How a folder of images becomes a data set. */
export interface ImageFolderOptions {
  /** Side of the square images after centre-crop and resize. Default 32. */
  imageSize?: number;
  /** 3: RGB; 1: grey (BT.601 luma). Default 3. */
  channels?: 1 | 3;
  /** Share of the images held out as the test set (at least one when there are two or more). Default 0.1. */
  testFraction?: number;
}

/** The labels of a folder: the sorted first-level sub-folder names, or none when all images lie at the top. */
export function folderLabels(paths: string[], folder: string): { classNames?: string[]; labelOf(path: string): number } {
  const top = paths.find((p) => !p.includes('/'));
  const nested = paths.find((p) => p.includes('/'));
  if (top !== undefined && nested !== undefined) {
    throw new Error(
      `${folder}: images both at the top (${top}) and in sub-folders (${nested}): expected either all images directly in ` +
        `the folder (no labels) or all in sub-folders (one label per sub-folder)`,
    );
  }
  if (nested === undefined) return { labelOf: () => 0 };
  const classNames = [...new Set(paths.map((p) => p.slice(0, p.indexOf('/'))))].sort();
  if (classNames.length > 256) throw new Error(`${folder}: ${classNames.length} sub-folders: expected at most 256 classes`);
  const index = new Map(classNames.map((n, i) => [n, i]));
  return { classNames, labelOf: (p) => index.get(p.slice(0, p.indexOf('/'))) as number };
}

/** FNV-1a, 32 bits, over the UTF-16 code units of a path: a stable, well-spread key for the split. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Which paths are test images: the round(testFraction * n) (at least 1 when n >= 2) paths with the smallest
 * hash. Depends on the set of paths only, not on their order, the machine or a seed.
 */
export function testPaths(paths: string[], testFraction: number): Set<string> {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`test fraction ${testFraction}: expected a number in (0, 1)`);
  const n = paths.length;
  const count = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(testFraction * n)));
  const byHash = [...paths].sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : a > b ? 1 : 0));
  return new Set(byHash.slice(0, count));
}

/** One side of a folder's split: positions in the sorted paths, and their labels where the folder has them. */
export interface FolderPart {
  positions: Uint32Array;
  labels?: Uint8Array;
}

/**
 * How a folder's images (their relative paths) split and label: the paths sorted, then the train and test
 * positions in that order (testPaths), with labels from the sub-folders. Fails with fewer than two images.
 */
export function folderSplit(paths: string[], folder: string, testFraction = 0.1): { sorted: string[]; classNames?: string[]; train: FolderPart; test: FolderPart } {
  if (paths.length < 2) throw new Error(`${folder}: found ${paths.length} PNG or JPEG images: expected at least 2 (one for training, one for testing)`);
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const { classNames, labelOf } = folderLabels(sorted, folder);
  const test = testPaths(sorted, testFraction);
  const part = (inTest: boolean): FolderPart => {
    const positions = Uint32Array.from(sorted.flatMap((p, i) => (test.has(p) === inTest ? [i] : [])));
    return { positions, ...(classNames && { labels: Uint8Array.from(positions, (i) => labelOf(sorted[i])) }) };
  };
  return { sorted, classNames, train: part(false), test: part(true) };
}

/**
 * The train and test sets of a folder's fitted images, each in path order. Fails with fewer than two
 * images. `folder` names the folder in messages and data set names.
 */
export function imageFolderDatasets(images: FolderImage[], folder: string, opts: ImageFolderOptions = {}): { train: Dataset; test: Dataset } {
  const size = opts.imageSize ?? 32;
  const channels = opts.channels ?? 3;
  const byPath = new Map(images.map((f) => [f.path, f]));
  const split = folderSplit(images.map((f) => f.path), folder, opts.testFraction);
  const pixels = size * size * channels;
  const build = ({ positions, labels }: FolderPart, inTest: boolean): Dataset => {
    const data = new Uint8Array(positions.length * pixels);
    positions.forEach((p, i) => {
      const f = byPath.get(split.sorted[p]) as FolderImage;
      if (f.pixels.length !== pixels) throw new Error(`${folder}/${f.path}: ${f.pixels.length} bytes: expected ${pixels} (${size}x${size}x${channels})`);
      data.set(f.pixels, i * pixels);
    });
    return {
      name: `${folder} ${inTest ? 'test' : 'train'}`,
      images: data,
      ...(labels && split.classNames && { labels, classNames: split.classNames }),
      count: positions.length,
      shape: [size, size, channels],
    };
  };
  return { train: build(split.train, false), test: build(split.test, true) };
}
