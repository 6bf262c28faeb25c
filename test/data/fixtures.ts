/** Small hand-made data files and data sets for the data-layer tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dataset } from '../../src/data/dataset.js';

/** The shared real data sets (see ../shared/data/README.md); tests skip when the folder is absent. */
export const SHARED_DATA = path.resolve(import.meta.dirname, '../../../shared/data');

/** IDX bytes with element type `type` (default unsigned byte); data defaults to 0, 1, 2, ... mod 256. */
export function idxBytes(dims: number[], data?: ArrayLike<number>, type = 0x08): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  out[2] = type;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < size; i++) out[4 + 4 * dims.length + i] = data ? data[i] : i % 256;
  return out;
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'vaekit-data-'));
}

/** Makes fresh numbered folders under `parent`, each holding `files` (names may hold subfolders). */
export function folderMaker(parent: string): (files: Record<string, Uint8Array | string>) => string {
  let count = 0;
  return (files) => {
    const dir = path.join(parent, `d${count++}`);
    mkdirSync(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    return dir;
  };
}

/** `count` images of `shape` whose pixel p of image i is (7 * i + p) mod 256, labels i mod 10. */
export function tinyDataset(count: number, shape: [number, number, number] = [2, 3, 1]): Dataset {
  const size = shape[0] * shape[1] * shape[2];
  const images = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) for (let p = 0; p < size; p++) images[i * size + p] = (7 * i + p) % 256;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'tiny', images, labels, count, shape };
}

/** One `.amat` line: `pixels` as 0/1 values separated by single spaces. */
export function amatLine(pixels: ArrayLike<number>): string {
  return Array.from(pixels, (p) => (p ? '1' : '0')).join(' ');
}

/** `text` with the characters special in regular expressions escaped, for matching file paths. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
