/**
 * Training and test images for the page: the splits `vaekit serve` offers (the same files the CLI reads,
 * src/node/datasets.ts), or IDX files the user picks (raw or .gz).
 */
import { decodeDatasetBinary } from '../../src/data/datasetBinary.js';
import { Dataset } from '../../src/data/dataset.js';
import { idxImages, idxLabels, pairImagesLabels, parseIdx } from '../../src/data/idx.js';
import { fetchBytes } from './fetchBytes.js';

/** The first `limit` images (0: all) of a split the server offers. */
export async function fetchSplit(split: 'train' | 'test', limit: number): Promise<Dataset> {
  const url = `api/data/${split}${limit > 0 ? `?limit=${limit}` : ''}`;
  return decodeDatasetBinary(await fetchBytes(url), url);
}

async function fileBytes(file: File): Promise<Uint8Array> {
  if (!file.name.endsWith('.gz')) return new Uint8Array(await file.arrayBuffer());
  const stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A data set from picked IDX files: one image file [count, height, width], and optionally one label file
 * [count]. Which is which is read from the files' dimensions, not their names.
 */
export async function readIdxFiles(files: readonly File[]): Promise<Dataset> {
  if (files.length < 1 || files.length > 2) throw new Error(`pick one IDX image file and optionally its label file; got ${files.length} files`);
  const parsed = await Promise.all(files.map(async (f) => ({ name: f.name, idx: parseIdx(await fileBytes(f), f.name) })));
  const imagesFile = parsed.find((p) => p.idx.dims.length === 3);
  if (!imagesFile) throw new Error(`${files.map((f) => f.name).join(', ')}: no IDX image file (3 dimensions: count, height, width) among them`);
  const images = idxImages(imagesFile.idx, imagesFile.name);
  const labelsFile = parsed.find((p) => p !== imagesFile);
  if (!labelsFile) return { name: imagesFile.name, images: images.images, count: images.count, shape: images.shape };
  return pairImagesLabels(imagesFile.name, images, imagesFile.name, idxLabels(labelsFile.idx, labelsFile.name), labelsFile.name);
}
