/**
 * A data set read as a stream: its images stay where they are (a folder's files) and are decoded on demand,
 * a batch at a time, so a set larger than memory trains all the same. Labels, one byte per image, stay in
 * memory. Subsets (limit, the validation split) are lists of positions, never copies of pixels.
 */
import { Dataset, imageSize } from './dataset.js';

/** Where a streamed data set's pixels come from: images by their position in the source, decoded and fitted. */
export interface ImageReader {
  /** The bytes of the images at `positions`, image after image, laid out as a Dataset's `images`. */
  read(positions: Uint32Array): Promise<Uint8Array>;
}

/** A data set whose pixels are read when a batch needs them. */
export interface StreamedDataset extends Omit<Dataset, 'images'> {
  /** The source positions of images 0..count-1. */
  positions: Uint32Array;
  reader: ImageReader;
}

/** Images a run can train on: decoded in memory, or read as a stream. */
export type TrainImages = Dataset | StreamedDataset;

export function isStreamed(d: TrainImages): d is StreamedDataset {
  return 'reader' in d;
}

/** The images at `indices` (of 0..count-1), in that order: positions and labels only. */
export function streamedSubset(d: StreamedDataset, indices: ArrayLike<number>, name = `${d.name} (subset)`): StreamedDataset {
  const positions = new Uint32Array(indices.length);
  const labels = d.labels ? new Uint8Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= d.count) throw new Error(`${d.name}: index ${i} out of range: expected an integer in [0, ${d.count})`);
    positions[k] = d.positions[i];
    if (labels && d.labels) labels[k] = d.labels[i];
  }
  return { ...d, name, positions, labels, count: indices.length, shape: [...d.shape] };
}

/** All of a streamed set's images decoded into memory. */
export async function readWhole(d: StreamedDataset): Promise<Dataset> {
  const { reader: _reader, positions, ...rest } = d;
  return { ...rest, images: await d.reader.read(positions), shape: [...d.shape] };
}

/** Bytes the pixels of `count` images of `shape` take as uint8. */
export function pixelBytes(count: number, shape: [number, number, number]): number {
  return count * imageSize({ shape });
}
